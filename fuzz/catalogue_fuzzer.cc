// Arbitrary bytes as what a store holds beside a backup (a catalogue
// record) and as an S3 listing: a record is read or refused as foreign, never
// crashes; every XML element found lies within the text.
#include <cstddef>
#include <cstdint>
#include <string>

#include "baton/catalogue.h"
#include "storage/s3/xml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::optional<baton::CatalogueRecord> record = baton::CatalogueRecord::FromJson(text);
  if (record && baton::CatalogueRecord::FromJson(record->ToJson())->backup != record->backup) {
    __builtin_trap();
  }
  baton::TimeInName(text);
  for (const std::string& element : baton::storage::s3::XmlElements(text, "Contents")) {
    if (element.size() > text.size()) __builtin_trap();
    baton::storage::s3::XmlValue(element, "Key");
  }
  return 0;
}
