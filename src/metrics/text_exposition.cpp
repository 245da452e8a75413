// SPDX-License-Identifier: Apache-2.0
#include "presentd/metrics/text_exposition.hpp"

#include <charconv>
#include <cmath>

namespace presentd::metrics {
namespace {

std::string_view type_name(MetricType type) {
  switch (type) {
    case MetricType::counter: return "counter";
    case MetricType::gauge: return "gauge";
    case MetricType::histogram: return "histogram";
  }
  return "untyped";
}

// {a="x",b="y"} with an optional extra label last (le for buckets); nothing for no labels.
void write_labels(std::string& out, const std::vector<std::string>& names, const std::vector<std::string>& values,
                  std::string_view extra_name = {}, std::string_view extra_value = {}) {
  if (names.empty() && extra_name.empty()) return;
  out += '{';
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ',';
    out += names[i];
    out += "=\"";
    out += escape_label_value(values[i]);
    out += '"';
  }
  if (!extra_name.empty()) {
    if (!names.empty()) out += ',';
    out += extra_name;
    out += "=\"";
    out += extra_value;
    out += '"';
  }
  out += '}';
}

void write_sample(std::string& out, std::string_view name, std::string_view suffix,
                  const std::vector<std::string>& names, const std::vector<std::string>& values,
                  const std::string& value, std::string_view extra_name = {}, std::string_view extra_value = {}) {
  out += name;
  out += suffix;
  write_labels(out, names, values, extra_name, extra_value);
  out += ' ';
  out += value;
  out += '\n';
}

template <class Metric>
void write_header(std::string& out, const Family<Metric>& family) {
  out += "# HELP ";
  out += family.name();
  out += ' ';
  out += escape_help(family.help());
  out += "\n# TYPE ";
  out += family.name();
  out += ' ';
  out += type_name(family.type());
  out += '\n';
}

void write_family(std::string& out, const CounterFamily& family) {
  write_header(out, family);
  for (const auto& [values, counter] : family.children()) {
    write_sample(out, family.name(), "", family.label_names(), values, std::to_string(counter->value()));
  }
}

void write_family(std::string& out, const GaugeFamily& family) {
  write_header(out, family);
  for (const auto& [values, gauge] : family.children()) {
    write_sample(out, family.name(), "", family.label_names(), values, format_value(gauge->value()));
  }
}

void write_family(std::string& out, const HistogramFamily& family) {
  write_header(out, family);
  for (const auto& [values, histogram] : family.children()) {
    const auto snapshot = histogram->snapshot();
    for (std::size_t i = 0; i < snapshot.cumulative.size(); ++i) {
      const auto le = i < snapshot.upper_bounds.size() ? format_value(snapshot.upper_bounds[i]) : "+Inf";
      write_sample(out, family.name(), "_bucket", family.label_names(), values, std::to_string(snapshot.cumulative[i]),
                   "le", le);
    }
    write_sample(out, family.name(), "_sum", family.label_names(), values, format_value(snapshot.sum));
    write_sample(out, family.name(), "_count", family.label_names(), values, std::to_string(snapshot.count));
  }
}

}  // namespace

std::string escape_help(std::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (const char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string format_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  // Whole numbers up to 2^53 print exactly as integers (counts, byte totals, timestamps).
  if (value == std::floor(value) && std::fabs(value) < 9007199254740992.0) {
    return std::to_string(static_cast<long long>(value));
  }
  // Shortest round-trip digits; plain decimals (0.0005, as le bounds are usually written) unless
  // the number is very small or very large.
  char buffer[64];
  const double magnitude = std::fabs(value);
  const auto format = magnitude >= 1e-6 && magnitude < 1e15 ? std::chars_format::fixed : std::chars_format::scientific;
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value, format);
  return std::string(buffer, result.ptr);
}

std::string write_text_exposition(Registry& registry) {
  registry.collect();
  std::string out;
  for (const auto& family : registry.families()) {
    std::visit([&out](const auto* f) { write_family(out, *f); }, family);
  }
  return out;
}

}  // namespace presentd::metrics
