#include "config/tree.h"

#include <cctype>
#include <charconv>

#include <fmt/format.h>
#include <yaml.h>

#include <algorithm>
#include <span>
#include <unordered_map>
#include <utility>

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
    case Node::Kind::null:
      return "null";
    case Node::Kind::scalar:
      return "a scalar";
    case Node::Kind::sequence:
      return "a list";
    case Node::Kind::map:
      return "a mapping";
  }
  return "?";
}

Node scalar(std::string text, Location where) {
  Node n;
  n.kind = Node::Kind::scalar;
  n.text = std::move(text);
  n.where = where;
  return n;
}

std::optional<Node::Entry> take(Node& map, std::string_view key) {
  for (auto it = map.entries.begin(); it != map.entries.end(); ++it)
    if (it->key == key) {
      Node::Entry e = std::move(*it);
      map.entries.erase(it);
      return e;
    }
  return std::nullopt;
}

std::vector<const Node*> one_or_many(const Node& n) {
  std::vector<const Node*> out;
  if (n.is_sequence()) {
    for (const auto& i : n.items) out.push_back(&i);
  } else if (!n.is_null()) {
    out.push_back(&n);
  }
  return out;
}

namespace {

// Aliases are expanded into copies; a "billion laughs" document would make
// that exponential, so the number of nodes built is capped.
constexpr size_t kMaxNodes = 1'000'000;
// A config needs a handful of levels; this bounds the builder's stack.
constexpr size_t kMaxNesting = 256;

size_t count_nodes(const Node& root) {
  size_t n = 0;
  std::vector<const Node*> stack{&root};
  while (!stack.empty()) {
    const Node* cur = stack.back();
    stack.pop_back();
    ++n;
    for (const auto& i : cur->items) stack.push_back(&i);
    for (const auto& e : cur->entries) stack.push_back(&e.value);
  }
  return n;
}

Node::Tag tag_of(const yaml_char_t* tag) {
  if (!tag) return Node::Tag::none;
  std::string_view t(reinterpret_cast<const char*>(tag));
  if (t == "!reset") return Node::Tag::reset;
  if (t == "!override") return Node::Tag::override_;
  return Node::Tag::none;
}

bool is_null_scalar(const yaml_event_t& ev) {
  if (!ev.data.scalar.plain_implicit || ev.data.scalar.style != YAML_PLAIN_SCALAR_STYLE) return false;
  std::string_view v(reinterpret_cast<const char*>(ev.data.scalar.value), ev.data.scalar.length);
  return v.empty() || v == "~" || v == "null" || v == "Null" || v == "NULL";
}

// An index of a large mapping's keys by position: open addressing over
// (hash, position) pairs, so that neither the keys nor their strings are
// copied (the entries move while the mapping is read; their positions stay).
class KeyIndex {
 public:
  size_t size() const { return count_; }

  template <typename KeyOf>
  void insert(uint32_t pos, KeyOf key_of) {
    if ((count_ + 1) * 2 > slots_.size()) grow();
    place({hash(key_of(pos)), pos + 1});
    ++count_;
  }

  template <typename KeyOf>
  std::optional<uint32_t> find(std::string_view key, KeyOf key_of) const {
    if (slots_.empty()) return std::nullopt;
    size_t h = hash(key);
    for (size_t i = h & mask(); slots_[i].pos; i = (i + 1) & mask())
      if (slots_[i].hash == h && key_of(slots_[i].pos - 1) == key) return slots_[i].pos - 1;
    return std::nullopt;
  }

 private:
  struct Slot {
    size_t hash = 0;
    uint32_t pos = 0;  // position + 1; 0 is an empty slot
  };

  static size_t hash(std::string_view key) { return std::hash<std::string_view>{}(key); }
  size_t mask() const { return slots_.size() - 1; }

  void place(Slot s) {
    size_t i = s.hash & mask();
    while (slots_[i].pos) i = (i + 1) & mask();
    slots_[i] = s;
  }

  void grow() {
    std::vector<Slot> old = std::exchange(slots_, std::vector<Slot>(std::max<size_t>(64, slots_.size() * 2)));
    for (const Slot& s : old)
      if (s.pos) place(s);
  }

  std::vector<Slot> slots_;
  size_t count_ = 0;
};

// Builds the tree from libyaml's event stream. libyaml is a state machine
// with its own stacks, so no input can make it recurse; our own stack is
// bounded by kMaxNesting.
class Builder {
 public:
  Builder(uint32_t file, Diagnostics& diags) : file_(file), diags_(diags) {}

  std::optional<Node> run(std::string_view text) {
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
      diags_.error({file_, 0, 0}, "out of memory while parsing YAML");
      return std::nullopt;
    }
    yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()), text.size());
    bool ok = true, done = false;
    while (ok && !done) {
      yaml_event_t ev;
      if (!yaml_parser_parse(&parser, &ev)) {
        Location where{file_, static_cast<int>(parser.problem_mark.line) + 1,
                       static_cast<int>(parser.problem_mark.column) + 1};
        std::string msg = parser.problem ? parser.problem : "syntax error";
        if (parser.context) msg += fmt::format(" ({})", parser.context);
        diags_.error(where, fmt::format("invalid YAML: {}", msg));
        ok = false;
        break;
      }
      done = ev.type == YAML_STREAM_END_EVENT;
      ok = handle(ev);
      yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    if (!ok) return std::nullopt;
    if (documents_ > 1)
      diags_.warning({file_, 0, 0},
                     fmt::format("{} YAML documents in one file: only the first is used", documents_));
    if (!root_ || root_->is_null()) {
      Node empty;
      empty.kind = Node::Kind::map;
      empty.where = {file_, 1, 1};
      return empty;
    }
    return std::move(*root_);
  }

 private:
  // What a mapping expects next: a key, or the value of the key just read
  // (its entry is already on entries_, last), or a value to set aside.
  enum class Expect : uint8_t { key, value, merge_source, nothing };

  // A container's items (or entries) collect on the shared stacks below
  // while it is open and move into it, in one allocation of the exact size,
  // when it closes: growing every small vector one push at a time cost more
  // than the rest of the tree.
  struct Frame {
    Node node;
    size_t first = 0;  // where its items or entries start on items_ / entries_
    std::string anchor;
    Expect expect = Expect::key;  // mappings only
    std::vector<Node> merges;     // `<<` sources
    KeyIndex index;               // large mappings only
  };

  // Linear search: config mappings have a handful of keys. The one large
  // mapping (`services:`) gets an index once it grows.
  const Node::Entry* find_entry(Frame& f, std::string_view key) {
    std::span<const Node::Entry> entries(entries_.begin() + static_cast<ptrdiff_t>(f.first), entries_.end());
    if (entries.size() < 32) {
      for (const auto& e : entries)
        if (e.key == key) return &e;
      return nullptr;
    }
    auto key_of = [&](uint32_t i) -> std::string_view { return entries[i].key; };
    for (size_t i = f.index.size(); i < entries.size(); ++i) f.index.insert(static_cast<uint32_t>(i), key_of);
    auto i = f.index.find(key, key_of);
    return i ? &entries[*i] : nullptr;
  }

  // Moves what collected on `from` since `first` into `to`, exactly sized.
  template <typename T>
  static void close(std::vector<T>& from, size_t first, std::vector<T>& to) {
    auto begin = from.begin() + static_cast<ptrdiff_t>(first);
    to.reserve(static_cast<size_t>(from.end() - begin));
    to.insert(to.end(), std::make_move_iterator(begin), std::make_move_iterator(from.end()));
    from.erase(begin, from.end());
  }

  Location at(const yaml_mark_t& m) const {
    return {file_, static_cast<int>(m.line) + 1, static_cast<int>(m.column) + 1};
  }

  // `from_alias`: the nodes are copies of an anchor, so the message can say what grew.
  bool count(size_t n, Location where, bool from_alias = false) {
    built_ += n;
    if (from_alias) aliased_ += n;
    if (built_ <= kMaxNodes) return true;
    diags_.error(where,
                 aliased_ > 0
                     ? "document too large: more than 1 million YAML nodes once its aliases are expanded"
                     : "document too large: more than 1 million YAML nodes");
    return false;
  }

  bool handle(const yaml_event_t& ev) {
    switch (ev.type) {
      case YAML_DOCUMENT_START_EVENT:
        ++documents_;
        return true;
      case YAML_SCALAR_EVENT: {
        if (!count(1, at(ev.start_mark))) return false;
        // Most scalars are written where they belong at once; keys and
        // set-aside values go through add().
        Node local;
        Node* place = value_slot();
        Node& n = place ? *place : local;
        n.where = at(ev.start_mark);
        if (is_null_scalar(ev)) {
          n.kind = Node::Kind::null;
        } else {
          n.kind = Node::Kind::scalar;
          n.text.assign(reinterpret_cast<const char*>(ev.data.scalar.value), ev.data.scalar.length);
          n.quoted = ev.data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
        }
        n.tag = tag_of(ev.data.scalar.tag);
        // `key: !reset` (no value) is a reset of the key, not an empty string.
        if (n.tag != Node::Tag::none && n.is_scalar() && n.text.empty() && !n.quoted)
          n.kind = Node::Kind::null;
        if (ev.data.scalar.anchor) anchors_[reinterpret_cast<const char*>(ev.data.scalar.anchor)] = n;
        return place ? true : add(std::move(local));
      }
      case YAML_SEQUENCE_START_EVENT:
      case YAML_MAPPING_START_EVENT: {
        if (stack_.size() >= kMaxNesting) {
          diags_.error(at(ev.start_mark),
                       fmt::format("invalid YAML: nested more than {} levels deep", kMaxNesting));
          return false;
        }
        if (!count(1, at(ev.start_mark))) return false;
        Frame& f = stack_.emplace_back();
        bool seq = ev.type == YAML_SEQUENCE_START_EVENT;
        f.node.kind = seq ? Node::Kind::sequence : Node::Kind::map;
        f.node.where = at(ev.start_mark);
        f.node.tag = tag_of(seq ? ev.data.sequence_start.tag : ev.data.mapping_start.tag);
        f.first = seq ? items_.size() : entries_.size();
        const yaml_char_t* anchor = seq ? ev.data.sequence_start.anchor : ev.data.mapping_start.anchor;
        if (anchor) f.anchor = reinterpret_cast<const char*>(anchor);
        return true;
      }
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT: {
        Frame& f = stack_.back();
        if (f.node.is_map()) {
          apply_merges(f);
          close(entries_, f.first, f.node.entries);
        } else {
          close(items_, f.first, f.node.items);
        }
        if (!f.anchor.empty()) anchors_[f.anchor] = f.node;
        Node done = std::move(f.node);
        stack_.pop_back();
        return add(std::move(done));
      }
      case YAML_ALIAS_EVENT: {
        std::string name = reinterpret_cast<const char*>(ev.data.alias.anchor);
        auto it = anchors_.find(name);
        if (it == anchors_.end()) {
          diags_.error(at(ev.start_mark), fmt::format("invalid YAML: unknown anchor \"{}\"", name));
          return false;
        }
        if (!count(count_nodes(it->second), at(ev.start_mark), /*from_alias=*/true)) return false;
        return add(Node(it->second));
      }
      default:
        return true;
    }
  }

  // Where the next value goes when that is a list's item or a key's value
  // (the node is made there); null for a key, a root or a value set aside.
  Node* value_slot() {
    if (stack_.empty()) return nullptr;
    Frame& top = stack_.back();
    if (top.node.is_sequence()) return &items_.emplace_back();
    if (top.expect != Expect::value) return nullptr;
    top.expect = Expect::key;
    return &entries_.back().value;
  }

  bool add(Node n) {
    if (stack_.empty()) {
      if (documents_ == 1) root_ = std::move(n);
      return true;
    }
    if (Node* place = value_slot()) {
      *place = std::move(n);
      return true;
    }
    Frame& top = stack_.back();
    switch (std::exchange(top.expect, Expect::key)) {
      case Expect::key:
        return add_key(top, std::move(n));
      case Expect::merge_source:
        top.merges.push_back(std::move(n));
        return true;
      case Expect::value:  // taken by value_slot()
      case Expect::nothing:
        return true;
    }
    return true;
  }

  // A key goes on entries_ at once, with its value to come (Expect::value);
  // a key that cannot be used has its value dropped (Expect::nothing).
  bool add_key(Frame& top, Node key) {
    if (!key.is_scalar() && !key.is_null()) {
      diags_.error(key.where, "mapping keys must be plain strings");
      return false;
    }
    // As compose: `123:` or `true:` is a number or a boolean, not a name.
    if (!key.quoted && key.is_scalar() && !plain_scalar_is_string(key.text)) {
      diags_.error(key.where,
                   fmt::format("the key {} is not a string (write \"{}\" in quotes if it is a name)",
                               key.text, key.text));
      top.expect = Expect::nothing;
      return true;
    }
    if (key.text == "<<" && !key.quoted) {
      top.expect = Expect::merge_source;
      return true;
    }
    if (const Node::Entry* first = find_entry(top, key.text)) {
      diags_.error(key.where, fmt::format("duplicate key \"{}\" (first defined at line {})", key.text,
                                          first->key_at.line));
      top.expect = Expect::nothing;
      return true;
    }
    entries_.push_back({std::move(key.text), key.where, Node{}});
    top.expect = Expect::value;
    return true;
  }

  // YAML merge keys: `<<: *base` or `<<: [*a, *b]`; explicit keys win, and
  // among several sources the first one listed wins.
  void apply_merges(Frame& f) {
    for (auto& m : f.merges) {
      std::vector<Node*> sources;
      if (m.is_map()) {
        sources.push_back(&m);
      } else if (m.is_sequence()) {
        for (auto& s : m.items) sources.push_back(&s);
      }
      if (sources.empty())
        diags_.error(m.where, "the value of a merge key `<<` must be a mapping or a list of mappings");
      for (Node* src : sources) {
        if (!src->is_map()) {
          diags_.error(src->where, "the value of a merge key `<<` must be a mapping or a list of mappings");
          continue;
        }
        for (auto& e : src->entries)
          if (!find_entry(f, e.key)) entries_.push_back(std::move(e));
      }
    }
  }

  uint32_t file_;
  Diagnostics& diags_;
  std::vector<Frame> stack_;
  std::vector<Node> items_;           // of the open sequences, innermost last
  std::vector<Node::Entry> entries_;  // of the open mappings, innermost last
  std::unordered_map<std::string, Node> anchors_;
  std::optional<Node> root_;
  size_t built_ = 0;
  size_t aliased_ = 0;  // of built_, copies made for aliases
  int documents_ = 0;
};

}  // namespace

std::optional<Node> parse_yaml(std::string_view text, uint32_t file, Diagnostics& diags) {
  if (text.find('\0') != std::string_view::npos) {
    diags.error({file, 0, 0}, "not a YAML file: it contains NUL bytes (is it binary?)");
    return std::nullopt;
  }
  return Builder(file, diags).run(text);
}

namespace {

// Where a map sits, for the keys compose merges its own way.
enum class Level { root, services, service, other };

// The lists of a service that compose appends to (its merge rules); lineup's
// own lists are replaced.
constexpr std::string_view kAppended[] = {"ports",    "expose",  "profiles",   "env_file",    "post_start",
                                          "pre_stop", "dns",     "dns_search", "extra_hosts", "volumes",
                                          "secrets",  "configs", "cap_add",    "cap_drop",    "devices",
                                          "tmpfs",    "links",   "sysctls",    "labels"};
// Merged by name, written as a list (`NAME=value`, `- db`) or as a map.
constexpr std::string_view kByName[] = {"environment", "depends_on", "annotations"};

bool listed(std::span<const std::string_view> keys, std::string_view key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

// A list written for a map: `NAME=value` (environment) or `NAME` (depends_on, a null value).
void list_to_map(Node& n) {
  if (!n.is_sequence()) return;
  Node map;
  map.kind = Node::Kind::map;
  map.where = n.where;
  for (auto& item : n.items) {
    if (!item.is_scalar()) continue;
    size_t eq = item.text.find('=');
    Node value;
    value.where = item.where;
    if (eq != std::string::npos) value = scalar(item.text.substr(eq + 1), item.where);
    std::string key = eq == std::string::npos ? item.text : item.text.substr(0, eq);
    std::erase_if(map.entries, [&](const Node::Entry& e) { return e.key == key; });
    map.entries.push_back({std::move(key), item.where, std::move(value)});
  }
  n = std::move(map);
}

void merge_at(Node& base, Node overlay, Level level);

void merge_service_key(std::string_view key, Node& base, Node overlay) {
  if (overlay.tag == Node::Tag::override_) return merge_at(base, std::move(overlay), Level::other);
  if (listed(kByName, key) && (base.is_sequence() || overlay.is_sequence()) && !base.is_null() &&
      !overlay.is_null()) {
    list_to_map(base);
    list_to_map(overlay);
  } else if (listed(kAppended, key) && base.is_sequence() && overlay.is_sequence()) {
    for (auto& item : overlay.items) {
      bool there = item.is_scalar() && std::any_of(base.items.begin(), base.items.end(), [&](const Node& b) {
                     return b.is_scalar() && b.text == item.text;
                   });
      if (!there) base.items.push_back(std::move(item));
    }
    return;
  }
  merge_at(base, std::move(overlay), Level::other);
}

void merge_at(Node& base, Node overlay, Level level) {
  if (!base.is_map() || !overlay.is_map() || overlay.tag == Node::Tag::override_) {
    overlay.tag = Node::Tag::none;
    base = std::move(overlay);
    return;
  }
  for (auto& e : overlay.entries) {
    if (e.value.tag == Node::Tag::reset) {
      std::erase_if(base.entries, [&](const Node::Entry& b) { return b.key == e.key; });
    } else if (Node* existing = base.find(e.key)) {
      if (level == Level::service)
        merge_service_key(e.key, *existing, std::move(e.value));
      else
        merge_at(*existing, std::move(e.value),
                 level == Level::root && e.key == "services" ? Level::services
                 : level == Level::services                  ? Level::service
                                                             : Level::other);
    } else {
      base.entries.push_back(std::move(e));
    }
  }
}

}  // namespace

void merge_into(Node& base, Node overlay) {
  merge_at(base, std::move(overlay), Level::root);
}

void merge_service(Node& base, Node overlay) {
  merge_at(base, std::move(overlay), Level::service);
}

void drop_resets(Node& root) {
  std::vector<Node*> stack{&root};
  while (!stack.empty()) {
    Node* cur = stack.back();
    stack.pop_back();
    cur->tag = Node::Tag::none;
    std::erase_if(cur->entries, [](const Node::Entry& e) { return e.value.tag == Node::Tag::reset; });
    for (auto& i : cur->items) stack.push_back(&i);
    for (auto& e : cur->entries) stack.push_back(&e.value);
  }
}

// Whether a plain (unquoted) scalar is a string in YAML 1.2's core schema:
// not a number, a boolean or null, which compose refuses as keys.
bool plain_scalar_is_string(std::string_view t) {
  for (std::string_view word :
       {"~", "null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE"})
    if (t == word) return false;
  std::string_view n = t;
  if (!n.empty() && (n.front() == '-' || n.front() == '+')) n.remove_prefix(1);
  if (n.empty() || !(std::isdigit(static_cast<unsigned char>(n.front())) ||
                     (n.front() == '.' && n.size() > 1 && std::isdigit(static_cast<unsigned char>(n[1])))))
    return true;
  double value = 0;
  auto [end, ec] = std::from_chars(n.data(), n.data() + n.size(), value);
  bool number = (ec == std::errc() || ec == std::errc::result_out_of_range) && end == n.data() + n.size();
  return !number;
}

}  // namespace lineup::config
