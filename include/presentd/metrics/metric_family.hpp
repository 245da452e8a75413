// SPDX-License-Identifier: Apache-2.0
#pragma once
// One named metric with its HELP text and label names, and one child metric per combination of
// label values (e.g. presentd_sessions_ended_total{reason="stopped"}). Children are created on
// first use and never removed, so a reference to one stays valid for the family's lifetime and
// may be handed to another thread.
//
// Thread: event loop for with() (it may insert); the children themselves are lock-free.
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace presentd::metrics {

enum class MetricType { counter, gauge, histogram };

template <class Metric>
class Family {
public:
  using Factory = std::function<std::unique_ptr<Metric>()>;

  Family(MetricType type, std::string name, std::string help, std::vector<std::string> label_names, Factory make)
      : type_(type),
        name_(std::move(name)),
        help_(std::move(help)),
        label_names_(std::move(label_names)),
        make_(std::move(make)) {}

  // The child for these label values (one per label name, in order); throws
  // std::invalid_argument when the count is wrong.
  Metric& with(const std::vector<std::string>& label_values) {
    if (label_values.size() != label_names_.size()) {
      throw std::invalid_argument(name_ + ": expected " + std::to_string(label_names_.size()) + " label values, got " +
                                  std::to_string(label_values.size()));
    }
    auto& child = children_[label_values];
    if (!child) child = make_();
    return *child;
  }

  MetricType type() const { return type_; }
  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  const std::vector<std::string>& label_names() const { return label_names_; }
  // Children in label-value order.
  const std::map<std::vector<std::string>, std::unique_ptr<Metric>>& children() const { return children_; }

private:
  MetricType type_;
  std::string name_;
  std::string help_;
  std::vector<std::string> label_names_;
  Factory make_;
  std::map<std::vector<std::string>, std::unique_ptr<Metric>> children_;
};

}  // namespace presentd::metrics
