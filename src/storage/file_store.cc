// The file:// backup store: a directory.
#include "storage/file_store.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include "baton/error.h"

namespace baton::storage {

std::vector<StoredObject> FileStore::List() {
  struct Closer {
    void operator()(DIR* d) const { closedir(d); }
  };
  std::unique_ptr<DIR, Closer> dir(opendir(dir_.c_str()));
  if (!dir) throw Error("cannot list " + Describe() + ": " + std::strerror(errno));
  std::vector<StoredObject> objects;
  while (dirent* entry = readdir(dir.get())) {
    std::string name = entry->d_name;
    if (name.starts_with('.')) continue;  // ".", "..", backups being written
    struct stat st {};
    if (stat((dir_ + "/" + name).c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    objects.push_back({name, static_cast<uint64_t>(st.st_size)});
  }
  return objects;
}

std::string FileStore::Read(const std::string& name, size_t max_bytes) {
  const std::string path = dir_ + "/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot read " + path + ": " + std::strerror(errno));
  std::string data;
  data.resize(max_bytes + 1);
  in.read(data.data(), static_cast<std::streamsize>(data.size()));
  data.resize(static_cast<size_t>(in.gcount()));
  if (data.size() > max_bytes) {
    throw Error(path + " is larger than " + std::to_string(max_bytes) + " bytes");
  }
  return data;
}

void FileStore::Delete(const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    const std::string path = dir_ + "/" + name;
    if (unlink(path.c_str()) != 0 && errno != ENOENT) {
      throw Error("cannot delete " + path + ": " + std::strerror(errno));
    }
  }
}

}  // namespace baton::storage
