#include "marc/marc_writer.h"

#include <cstdio>

namespace shelfmark::marc {
namespace {

std::string digits(std::size_t value, int width) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%0*zu", width, value);
  return buffer;
}

// A 24-character leader with the structural positions ISO2709 fixes: indicator count 2, subfield code
// length 2, entry map 4500, UTF-8.
std::string normal_leader(const std::string& leader) {
  std::string out = leader;
  out.resize(24, ' ');
  for (auto& c : out)
    if (c < 0x20 || c > 0x7E) c = ' ';
  out[9] = 'a';
  out[10] = '2';
  out[11] = '2';
  out.replace(20, 4, "4500");
  return out;
}

char indicator(char c) { return c < 0x20 || c > 0x7E ? ' ' : c; }

void escape_into(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r')
          break;  // not allowed in XML 1.0
        out += c;
    }
  }
}

std::string escaped(std::string_view text) {
  std::string out;
  escape_into(out, text);
  return out;
}

}  // namespace

std::string to_iso2709(const domain::MarcRecord& record) {
  std::string directory, data;
  for (const auto& field : record.fields) {
    std::string body;
    if (field.is_control()) {
      body = field.value;
    } else {
      body += indicator(field.ind1);
      body += indicator(field.ind2);
      for (const auto& subfield : field.subfields) {
        body += '\x1F';
        body += subfield.code;
        body += subfield.value;
      }
    }
    body += '\x1E';
    if (body.size() > 9999 || data.size() > 99999) continue;  // cannot be addressed in ISO2709: left out
    auto tag = field.tag;
    tag.resize(3, ' ');
    directory += tag + digits(body.size(), 4) + digits(data.size(), 5);
    data += body;
  }
  directory += '\x1E';
  auto leader = normal_leader(record.leader);
  const auto base = 24 + directory.size();
  const auto length = base + data.size() + 1;
  leader.replace(0, 5, digits(length > 99999 ? 99999 : length, 5));
  leader.replace(12, 5, digits(base, 5));
  return leader + directory + data + '\x1D';
}

std::string to_marcxml(const domain::MarcRecord& record) {
  std::string out = "<record xmlns=\"http://www.loc.gov/MARC21/slim\">\n  <leader>";
  escape_into(out, normal_leader(record.leader));
  out += "</leader>\n";
  for (const auto& field : record.fields) {
    if (field.is_control()) {
      out += "  <controlfield tag=\"" + escaped(field.tag) + "\">";
      escape_into(out, field.value);
      out += "</controlfield>\n";
      continue;
    }
    out += "  <datafield tag=\"" + escaped(field.tag) + "\" ind1=\"" + escaped(std::string(1, indicator(field.ind1))) +
           "\" ind2=\"" + escaped(std::string(1, indicator(field.ind2))) + "\">\n";
    for (const auto& subfield : field.subfields) {
      out += "    <subfield code=\"" + escaped(std::string(1, subfield.code)) + "\">";
      escape_into(out, subfield.value);
      out += "</subfield>\n";
    }
    out += "  </datafield>\n";
  }
  out += "</record>\n";
  return out;
}

std::string marcxml_collection_begin() {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<collection xmlns=\"http://www.loc.gov/MARC21/slim\">\n";
}

std::string marcxml_collection_end() { return "</collection>\n"; }

std::string to_marcxml_collection(const std::vector<domain::MarcRecord>& records) {
  auto out = marcxml_collection_begin();
  for (const auto& record : records) out += to_marcxml(record);
  return out + marcxml_collection_end();
}

}  // namespace shelfmark::marc
