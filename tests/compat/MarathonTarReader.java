// A model of Marathon's backup reader (TarFlow.scala + TarBackupFlow.scala),
// built on Apache commons-compress as Marathon is: it walks the tar header
// by header, follows GNU long-name records, refuses PAX headers and sparse
// entries, and matches every name against Marathon's two patterns, parsing
// timestamps as OffsetDateTime. Prints "name<TAB>size<TAB>sha256" per entry;
// exits non-zero on anything Marathon would refuse.
//
//   java -cp /usr/share/java/commons-compress.jar MarathonTarReader.java FILE
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.OffsetDateTime;
import java.util.regex.*;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

public class MarathonTarReader {
  static final Pattern ITEM = Pattern.compile("^([^/]+)/items/(.+)$");
  static final Pattern VERSION = Pattern.compile("^([^/]+)/versions/([^/]+)/(.+)$");

  public static void main(String[] args) throws Exception {
    DataInputStream in = new DataInputStream(new BufferedInputStream(new FileInputStream(args[0])));
    byte[] header = new byte[512];
    String longName = null;
    while (true) {
      in.readFully(header);
      boolean zero = true;
      for (byte b : header) zero &= b == 0;
      if (zero) break;
      TarArchiveEntry entry = new TarArchiveEntry(header);
      byte[] data = new byte[(int) entry.getSize()];
      in.readFully(data);
      in.skipBytes((int) ((512 - entry.getSize() % 512) % 512));
      if (entry.isPaxHeader() || entry.isGlobalPaxHeader()) fail("PAX header");
      if (entry.isGNUSparse()) fail("GNU sparse entry");
      if (entry.isGNULongNameEntry()) {
        int end = data.length;
        while (end > 0 && data[end - 1] == 0) end--;
        longName = new String(data, 0, end, StandardCharsets.UTF_8);
        continue;
      }
      String name = longName != null ? longName : entry.getName();
      longName = null;
      if (!entry.isFile()) fail("not a file: " + name);
      Matcher v = VERSION.matcher(name);
      if (v.matches()) {
        OffsetDateTime.parse(v.group(3));
      } else if (!ITEM.matcher(name).matches()) {
        fail("unexpected entry name: " + name);
      }
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(data);
      StringBuilder hex = new StringBuilder();
      for (byte b : hash) hex.append(String.format("%02x", b));
      System.out.println(name + "\t" + data.length + "\t" + hex);
    }
  }

  static void fail(String why) {
    System.err.println("Marathon would refuse this backup: " + why);
    System.exit(1);
  }
}
