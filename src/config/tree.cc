#include "config/tree.h"

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <unordered_map>

namespace lineup::config {

const Node* Node::find(std::string_view key) const {
  for (const auto& e : entries)
    if (e.key == key) return &e.value;
  return nullptr;
}

Node* Node::find(std::string_view key) {
  for (auto& e : entries)
    if (e.key == key) return &e.value;
  return nullptr;
}

std::string_view kind_name(Node::Kind k) {
  switch (k) {
    case Node::Kind::null: return "null";
    case Node::Kind::scalar: return "a scalar";
    case Node::Kind::sequence: return "a list";
    case Node::Kind::map: return "a mapping";
  }
  return "?";
}

namespace {

// Aliases are expanded into copies; a "billion laughs" document would make
// that exponential, so the number of nodes built is capped.
constexpr size_t kMaxNodes = 4'000'000;

class Converter {
 public:
  Converter(uint32_t file, Diagnostics& diags) : file_(file), diags_(diags) {}

  bool overflowed() const { return overflow_; }

  Node convert(const YAML::Node& y) {
    Node n;
    n.where = at(y.Mark());
    if (++built_ > kMaxNodes) {
      if (!overflow_) diags_.error(n.where, "document too large (alias expansion exceeds 4 million nodes)");
      overflow_ = true;
      return n;
    }
    switch (y.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        n.kind = Node::Kind::null;
        break;
      case YAML::NodeType::Scalar:
        n.kind = Node::Kind::scalar;
        n.text = y.Scalar();
        n.quoted = y.Tag() == "!";
        break;
      case YAML::NodeType::Sequence:
        n.kind = Node::Kind::sequence;
        n.items.reserve(y.size());
        for (const auto& item : y) {
          n.items.push_back(convert(item));
          if (overflow_) break;
        }
        break;
      case YAML::NodeType::Map:
        n.kind = Node::Kind::map;
        convert_map(y, n);
        break;
    }
    return n;
  }

 private:
  Location at(const YAML::Mark& m) const {
    if (m.is_null()) return {file_, 0, 0};
    return {file_, m.line + 1, m.column + 1};
  }

  void convert_map(const YAML::Node& y, Node& out) {
    std::vector<Node> merges;  // `<<` values, applied after the explicit keys
    std::unordered_map<std::string, Location> seen;
    seen.reserve(y.size());
    for (const auto& kv : y) {
      if (overflow_) return;
      const YAML::Node& key = kv.first;
      Location key_at = at(key.Mark());
      if (!key.IsScalar()) {
        diags_.error(key_at, "mapping keys must be plain strings");
        continue;
      }
      const std::string& name = key.Scalar();
      if (name == "<<" && key.Tag() != "!") {
        merges.push_back(convert(kv.second));
        continue;
      }
      auto [it, inserted] = seen.emplace(name, key_at);
      if (!inserted) {
        diags_.error(key_at, fmt::format("duplicate key \"{}\" (first defined at line {})", name,
                                         it->second.line));
        continue;
      }
      out.entries.push_back({name, key_at, convert(kv.second)});
    }
    // YAML merge keys: `<<: *base` or `<<: [*a, *b]`; explicit keys win, and
    // among several sources the first one listed wins.
    for (auto& m : merges) {
      std::vector<Node*> sources;
      if (m.is_map()) {
        sources.push_back(&m);
      } else if (m.is_sequence()) {
        for (auto& s : m.items) sources.push_back(&s);
      }
      if (sources.empty()) {
        diags_.error(m.where, "the value of a merge key `<<` must be a mapping or a list of mappings");
        continue;
      }
      for (Node* src : sources) {
        if (!src->is_map()) {
          diags_.error(src->where, "the value of a merge key `<<` must be a mapping or a list of mappings");
          continue;
        }
        for (auto& e : src->entries) {
          if (seen.emplace(e.key, e.key_at).second) out.entries.push_back(std::move(e));
        }
      }
    }
  }

  uint32_t file_;
  Diagnostics& diags_;
  size_t built_ = 0;
  bool overflow_ = false;
};

}  // namespace

std::optional<Node> parse_yaml(std::string_view text, uint32_t file, Diagnostics& diags) {
  if (text.find('\0') != std::string_view::npos) {
    diags.error({file, 0, 0}, "not a YAML file: it contains NUL bytes (is it binary?)");
    return std::nullopt;
  }
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(std::string(text));
  } catch (const YAML::DeepRecursion& e) {
    Location where{file, e.mark.line + 1, e.mark.column + 1};
    diags.error(where, "invalid YAML: nested too deeply (a config needs a handful of levels, not hundreds)");
    return std::nullopt;
  } catch (const YAML::Exception& e) {
    Location where{file, e.mark.is_null() ? 0 : e.mark.line + 1, e.mark.is_null() ? 0 : e.mark.column + 1};
    diags.error(where, fmt::format("invalid YAML: {}", e.msg));
    return std::nullopt;
  } catch (const std::exception& e) {
    diags.error({file, 0, 0}, fmt::format("invalid YAML: {}", e.what()));
    return std::nullopt;
  }
  if (docs.empty()) return Node{Node::Kind::map, {}, false, {}, {}, {file, 1, 1}};
  if (docs.size() > 1)
    diags.warning({file, 0, 0}, fmt::format("{} YAML documents in one file: only the first is used", docs.size()));
  try {
    Converter conv(file, diags);
    Node root = conv.convert(docs.front());
    if (conv.overflowed()) return std::nullopt;
    if (root.is_null()) {
      root.kind = Node::Kind::map;  // an empty file is an empty config
      root.where = {file, 1, 1};
    }
    return root;
  } catch (const std::exception& e) {
    diags.error({file, 0, 0}, fmt::format("invalid YAML: {}", e.what()));
    return std::nullopt;
  }
}

void merge_into(Node& base, Node overlay) {
  if (!base.is_map() || !overlay.is_map()) {
    base = std::move(overlay);
    return;
  }
  for (auto& e : overlay.entries) {
    if (Node* existing = base.find(e.key)) {
      merge_into(*existing, std::move(e.value));
    } else {
      base.entries.push_back(std::move(e));
    }
  }
}

}  // namespace lineup::config
