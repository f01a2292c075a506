// The config document as a plain tree that remembers where every node came from.
//
// yaml-cpp parses; this tree is what the rest of the config layer works on.
// Owning our own tree (instead of passing YAML::Node around) lets the passes
// that compose needs happen on values: merge keys (`<<`) resolved, duplicate
// keys reported, several `-f` files merged, variables interpolated, all
// without losing file:line:column for the diagnostics that follow.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostic.h"

namespace lineup::config {

struct Node {
  enum class Kind : uint8_t { null, scalar, sequence, map };
  struct Entry;

  // Fields ordered largest first: a 10,000-service file is ~300,000 nodes.
  std::string text;            // scalar: its text
  std::vector<Node> items;     // sequence
  std::vector<Entry> entries;  // map, in document order
  Location where;
  Kind kind = Kind::null;
  bool quoted = false;           // scalar: written in quotes ("no" is a string, no is a bool)
  bool supplied = false;         // put in by a rewrite as a dialect's default, not written by the user
  bool from_entrypoint = false;  // a command rewritten from compose's `entrypoint` (+ `command`)
  // compose's merge tags: `!reset` drops what the value would merge into
  // (the key is gone), `!override` replaces it instead of merging.
  enum class Tag : uint8_t { none, reset, override_ };
  Tag tag = Tag::none;

  bool is_null() const { return kind == Kind::null; }
  bool is_scalar() const { return kind == Kind::scalar; }
  bool is_sequence() const { return kind == Kind::sequence; }
  bool is_map() const { return kind == Kind::map; }

  const Node* find(std::string_view key) const;
  Node* find(std::string_view key);
};

struct Node::Entry {
  std::string key;
  Location key_at;
  Node value;
};

std::string_view kind_name(Node::Kind k);

// A scalar made by a pass that rewrites the tree, placed where its source was.
Node scalar(std::string text, Location where);

// Removes `key` from the map and returns its entry, if it was there: how
// the passes on the tree (dialects, include, extends) consume what they rewrite.
std::optional<Node::Entry> take(Node& map, std::string_view key);

// A value written as one item or as a list of them (`env_file: a.env` or
// `env_file: [a.env, b.env]`): the items, in order. A null is none.
std::vector<const Node*> one_or_many(const Node& n);

// Whether an unquoted scalar is a string in YAML 1.2's core schema: `123`,
// `1.5`, `true` and `null` are not (compose refuses them as keys and names).
bool plain_scalar_is_string(std::string_view text);

// Parses one YAML document. Syntax errors, duplicate keys and oversized
// documents become diagnostics; nullopt only when nothing usable was read.
std::optional<Node> parse_yaml(std::string_view text, uint32_t file, Diagnostics& diags);

// Later wins: maps merge key by key, scalars are replaced; a value tagged
// `!override` replaces, one tagged `!reset` removes the key. Lists are
// replaced, except the keys of a service that compose merges its own way
// (merge_service).
void merge_into(Node& base, Node overlay);

// One service over another (override files, extends), as compose merges
// them: `command`, `entrypoint` and `healthcheck.test` replaced; the lists
// compose defines appended, an item already there not again (`ports`,
// `expose`, `profiles`, `env_file`, `post_start`, ...); `environment` and
// `depends_on` merged by name whether written as lists or maps. lineup's
// own lists (`ready`, `live`, `watch`, ...) are replaced, as any other value.
void merge_service(Node& base, Node overlay);

// Once every merge is done: keys whose value is still tagged `!reset`
// (nothing to reset) are removed, as compose does.
void drop_resets(Node& root);

}  // namespace lineup::config
