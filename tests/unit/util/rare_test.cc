// Rare<T>: the out-of-line sections of a config::Service. Unset it costs a
// pointer and reads as a default value; copies are deep, so two services
// copied from one (replicas, a reload's old and new config) never share it.
#include "util/rare.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lineup {
namespace {

struct Section {
  std::string text = "default";
  std::vector<int> items;
};

TEST(Rare, UnsetReadsAsTheDefaultWithoutStoringIt) {
  Rare<Section> r;
  EXPECT_FALSE(r);
  EXPECT_EQ(r->text, "default");
  EXPECT_TRUE(r->items.empty());
  EXPECT_EQ(r.get(), nullptr);
  EXPECT_EQ(sizeof(r), sizeof(void*));
}

TEST(Rare, EmplaceCreatesOnceAndKeepsWhatWasSet) {
  Rare<Section> r;
  r.emplace().items.push_back(1);
  r.emplace().items.push_back(2);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->items, (std::vector<int>{1, 2}));
  r.reset();
  EXPECT_FALSE(r);
  EXPECT_TRUE(r->items.empty());
}

TEST(Rare, CopiesAreDeep) {
  Rare<Section> a = Section{"set", {7}};
  Rare<Section> b = a;
  b.emplace().items.push_back(8);
  EXPECT_EQ(a->items, (std::vector<int>{7})) << "the copy's change is its own";
  EXPECT_EQ(b->items, (std::vector<int>{7, 8}));
  Rare<Section> unset;
  b = unset;
  EXPECT_FALSE(b) << "assigning an unset one unsets";
  const Rare<Section>& same = a;
  a = same;
  EXPECT_EQ(a->text, "set") << "self-assignment keeps the value";
}

}  // namespace
}  // namespace lineup
