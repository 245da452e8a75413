// SPDX-License-Identifier: Apache-2.0
#include "support/prometheus_text.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

namespace presentd::test {
namespace {

[[noreturn]] void fail(std::size_t line, const std::string& why) {
  throw std::runtime_error("metrics line " + std::to_string(line) + ": " + why);
}

bool valid_name(std::string_view name, bool allow_colon) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (allow_colon && c == ':');
    if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

double parse_number(std::string_view text, std::size_t line) {
  if (text == "NaN") return std::nan("");
  if (text == "+Inf") return INFINITY;
  if (text == "-Inf") return -INFINITY;
  double value = 0;
  const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  if (result.ec != std::errc() || result.ptr != text.data() + text.size())
    fail(line, "bad value \"" + std::string(text) + "\"");
  return value;
}

// name{a="x",b="y"} value [timestamp]
PrometheusSample parse_sample(std::string_view text, std::size_t line) {
  PrometheusSample sample;
  std::size_t i = 0;
  while (i < text.size() && text[i] != '{' && text[i] != ' ') ++i;
  sample.name = std::string(text.substr(0, i));
  if (!valid_name(sample.name, true)) fail(line, "invalid metric name \"" + sample.name + "\"");
  if (i < text.size() && text[i] == '{') {
    ++i;
    while (true) {
      if (i < text.size() && text[i] == '}') {
        ++i;
        break;
      }
      const auto equals = text.find('=', i);
      if (equals == std::string_view::npos) fail(line, "label without '='");
      const std::string label(text.substr(i, equals - i));
      if (!valid_name(label, false)) fail(line, "invalid label name \"" + label + "\"");
      i = equals + 1;
      if (i >= text.size() || text[i] != '"') fail(line, "label value not quoted");
      ++i;
      std::string value;
      while (true) {
        if (i >= text.size()) fail(line, "unterminated label value");
        const char c = text[i++];
        if (c == '"') break;
        if (c == '\n') fail(line, "raw newline in a label value");
        if (c != '\\') {
          value += c;
          continue;
        }
        if (i >= text.size()) fail(line, "dangling backslash");
        const char escaped = text[i++];
        if (escaped == '\\')
          value += '\\';
        else if (escaped == '"')
          value += '"';
        else if (escaped == 'n')
          value += '\n';
        else
          fail(line, std::string("unknown escape \\") + escaped);
      }
      if (!sample.labels.emplace(label, value).second) fail(line, "label \"" + label + "\" given twice");
      if (i < text.size() && text[i] == ',') ++i;
    }
  }
  if (i >= text.size() || text[i] != ' ') fail(line, "no value");
  const auto rest = text.substr(i + 1);
  const auto space = rest.find(' ');
  sample.value = parse_number(rest.substr(0, space), line);
  if (space != std::string_view::npos) {
    std::int64_t timestamp = 0;
    const auto ts = rest.substr(space + 1);
    const auto result = std::from_chars(ts.data(), ts.data() + ts.size(), timestamp);
    if (result.ec != std::errc() || result.ptr != ts.data() + ts.size()) fail(line, "bad timestamp");
  }
  return sample;
}

// The family a series belongs to, given the families declared so far.
std::string family_of(const std::string& series, const std::map<std::string, std::string>& types) {
  if (types.count(series) != 0) return series;
  for (const std::string_view suffix : {"_bucket", "_sum", "_count"}) {
    if (series.ends_with(suffix)) {
      const auto base = series.substr(0, series.size() - suffix.size());
      const auto it = types.find(base);
      if (it != types.end() && (it->second == "histogram" || it->second == "summary")) return base;
    }
  }
  return series;
}

void check_histograms(const PrometheusText& parsed) {
  for (const auto& [family, type] : parsed.types) {
    if (type != "histogram") continue;
    // Group the buckets of each child (labels without le).
    std::map<PrometheusLabels, std::vector<std::pair<double, double>>> buckets;
    std::map<PrometheusLabels, double> counts;
    std::set<PrometheusLabels> sums;
    for (const auto& sample : parsed.samples) {
      auto labels = sample.labels;
      if (sample.name == family + "_bucket") {
        const auto le = labels.find("le");
        if (le == labels.end()) fail(0, family + "_bucket without le");
        const double bound = parse_number(le->second, 0);
        labels.erase(le);
        buckets[labels].emplace_back(bound, sample.value);
      } else if (sample.name == family + "_count") {
        counts[labels] = sample.value;
      } else if (sample.name == family + "_sum") {
        sums.insert(labels);
      } else if (sample.name == family) {
        fail(0, "histogram " + family + " has a bare sample");
      }
    }
    for (const auto& [labels, list] : buckets) {
      if (list.empty() || !std::isinf(list.back().first)) fail(0, family + ": the last bucket is not le=\"+Inf\"");
      for (std::size_t i = 1; i < list.size(); ++i) {
        if (!(list[i].first > list[i - 1].first)) fail(0, family + ": bucket bounds not ascending");
        if (list[i].second < list[i - 1].second) fail(0, family + ": buckets not cumulative");
      }
      if (counts.count(labels) == 0 || counts.at(labels) != list.back().second) {
        fail(0, family + ": _count differs from the +Inf bucket");
      }
      if (sums.count(labels) == 0) fail(0, family + ": no _sum");
    }
  }
}

}  // namespace

std::optional<double> PrometheusText::value(const std::string& name, const PrometheusLabels& labels) const {
  for (const auto& sample : samples) {
    if (sample.name == name && sample.labels == labels) return sample.value;
  }
  return std::nullopt;
}

double PrometheusText::sum(const std::string& name) const {
  double total = 0;
  for (const auto& sample : samples) {
    if (sample.name == name) total += sample.value;
  }
  return total;
}

PrometheusText parse_prometheus_text(std::string_view text) {
  PrometheusText parsed;
  if (!text.empty() && text.back() != '\n') fail(0, "the last line does not end with a newline");
  std::set<std::string> finished;  // families whose samples have ended (no interleaving)
  std::set<std::pair<std::string, PrometheusLabels>> seen;
  std::string current;
  std::size_t number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = text.find('\n', start);
    const auto line = text.substr(start, end - start);
    start = end + 1;
    ++number;
    if (line.empty()) continue;
    if (line.front() == '#') {
      const bool help = line.starts_with("# HELP ");
      const bool type = line.starts_with("# TYPE ");
      if (!help && !type) continue;  // other comments are allowed
      const auto rest = line.substr(7);
      const auto space = rest.find(' ');
      if (space == std::string_view::npos) fail(number, "HELP/TYPE without text");
      const std::string name(rest.substr(0, space));
      if (!valid_name(name, true)) fail(number, "invalid metric name \"" + name + "\"");
      const auto body = rest.substr(space + 1);
      if (help) {
        std::string unescaped;
        for (std::size_t i = 0; i < body.size(); ++i) {
          if (body[i] != '\\') {
            unescaped += body[i];
          } else if (i + 1 < body.size() && body[i + 1] == 'n') {
            unescaped += '\n', ++i;
          } else if (i + 1 < body.size() && body[i + 1] == '\\') {
            unescaped += '\\', ++i;
          } else {
            fail(number, "bad escape in HELP");
          }
        }
        if (!parsed.helps.emplace(name, unescaped).second) fail(number, "second HELP for " + name);
      } else {
        static const std::set<std::string_view> kTypes{"counter", "gauge", "histogram", "summary", "untyped"};
        if (kTypes.count(body) == 0) fail(number, "unknown type \"" + std::string(body) + "\"");
        if (parsed.types.count(name) != 0) fail(number, "second TYPE for " + name);
        for (const auto& sample : parsed.samples) {
          if (family_of(sample.name, {{name, std::string(body)}}) == name)
            fail(number, "TYPE after samples of " + name);
        }
        parsed.types.emplace(name, std::string(body));
      }
      continue;
    }
    auto sample = parse_sample(line, number);
    const auto family = family_of(sample.name, parsed.types);
    if (family != current) {
      if (finished.count(family) != 0) fail(number, "samples of " + family + " are not together");
      if (!current.empty()) finished.insert(current);
      current = family;
    }
    const auto type = parsed.types.find(family);
    if (type != parsed.types.end() && type->second == "counter" && !(sample.value >= 0)) {
      fail(number, "counter " + family + " is negative or NaN");
    }
    if (!seen.emplace(sample.name, sample.labels).second) fail(number, "duplicate series " + sample.name);
    parsed.samples.push_back(std::move(sample));
  }
  check_histograms(parsed);
  return parsed;
}

}  // namespace presentd::test
