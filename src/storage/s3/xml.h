// The little XML that S3's answers need: elements by tag, and the five
// predefined entities. S3 answers are not trusted to be well formed: a
// missing close tag ends the search, nothing reads past the text.
#pragma once

#include <string>
#include <vector>

namespace baton::storage::s3 {

// The text of the first <tag>...</tag> in an XML document, or "", with the
// five predefined entities decoded.
std::string XmlValue(const std::string& xml, const std::string& tag);
// Every <tag>...</tag> element's inner XML, in order.
std::vector<std::string> XmlElements(const std::string& xml, const std::string& tag);
// `text` with &, <, >, " and ' escaped.
std::string XmlEscape(const std::string& text);

}  // namespace baton::storage::s3
