// Apache Curator's SimpleDistributedQueue, driven by the tree layout's tests
// (tests/integration/tree_layout_test.cc): a real third-party client that
// names its items after the parent's cversion.
//
//   java -cp <curator jars> CuratorQueue HOST:PORT PATH offer N PREFIX
//   java -cp <curator jars> CuratorQueue HOST:PORT PATH take N
//
// offer: adds N items PREFIX0..PREFIX(N-1); take: takes N items and prints
// each on its own line. Exit 1 (with the exception on stderr) when Curator
// fails, as the next offer does when a restore left the cversion low.
import java.nio.charset.StandardCharsets;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.queue.SimpleDistributedQueue;
import org.apache.curator.retry.RetryOneTime;

public class CuratorQueue {
  public static void main(String[] args) throws Exception {
    if (args.length < 4) {
      System.err.println("usage: CuratorQueue HOST:PORT PATH offer N PREFIX | take N");
      System.exit(2);
    }
    int n = Integer.parseInt(args[3]);
    try (CuratorFramework client =
        CuratorFrameworkFactory.newClient(args[0], 10000, 10000, new RetryOneTime(100))) {
      client.start();
      client.blockUntilConnected();
      SimpleDistributedQueue queue = new SimpleDistributedQueue(client, args[1]);
      for (int i = 0; i < n; ++i) {
        if (args[2].equals("offer")) {
          queue.offer((args[4] + i).getBytes(StandardCharsets.UTF_8));
        } else {
          byte[] item = queue.poll();
          System.out.println(item == null ? "<empty>" : new String(item, StandardCharsets.UTF_8));
        }
      }
    } catch (Exception e) {
      e.printStackTrace();
      System.exit(1);
    }
  }
}
