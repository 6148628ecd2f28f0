// For tests of the XML payloads (plist, SyncML): a parsed document and XPath text queries over
// it, with the SyncML meta-information namespace bound to the prefix "m". libxml2; test-only.
#pragma once

#include <gtest/gtest.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include <memory>
#include <string>
#include <vector>

namespace scepgate::testing {

class Xml {
 public:
  explicit Xml(const std::string& text)
      : doc_(xmlReadMemory(text.data(), static_cast<int>(text.size()), "payload.xml", nullptr,
                           XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING),
             xmlFreeDoc) {}
  // False when the text is not well-formed XML.
  bool ok() const { return doc_ != nullptr; }
  // Text of every node the expression selects (none for a bad expression).
  std::vector<std::string> All(const std::string& xpath) const {
    std::vector<std::string> out;
    if (!doc_) return out;
    std::unique_ptr<xmlXPathContext, decltype(&xmlXPathFreeContext)> ctx(
        xmlXPathNewContext(doc_.get()), xmlXPathFreeContext);
    xmlXPathRegisterNs(ctx.get(), BAD_CAST "m", BAD_CAST "syncml:metinf");
    std::unique_ptr<xmlXPathObject, decltype(&xmlXPathFreeObject)> r(
        xmlXPathEvalExpression(BAD_CAST xpath.c_str(), ctx.get()), xmlXPathFreeObject);
    if (!r || !r->nodesetval) return out;
    for (int i = 0; i < r->nodesetval->nodeNr; ++i) {
      xmlChar* s = xmlNodeGetContent(r->nodesetval->nodeTab[i]);
      out.emplace_back(s ? reinterpret_cast<const char*>(s) : "");
      xmlFree(s);
    }
    return out;
  }
  // The text of the one node selected; a test failure when it is not exactly one.
  std::string One(const std::string& xpath) const {
    auto all = All(xpath);
    EXPECT_EQ(all.size(), 1u) << xpath;
    return all.empty() ? "" : all[0];
  }

 private:
  std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)> doc_;
};

}  // namespace scepgate::testing
