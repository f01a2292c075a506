// The live progress block: one line per service with its state and time,
// cut to the terminal's width, summarised when there are more services than rows.
#include "report/progress.h"

#include <gtest/gtest.h>

namespace lineup::report {
namespace {

using engine::State;
using namespace std::chrono_literals;

engine::ServiceView service(std::string name, State state, engine::TimePoint t0) {
  engine::ServiceView v;
  v.name = std::move(name);
  v.state = state;
  v.goal = engine::Goal::up;
  v.priority = config::Priority::critical;
  v.waiting_at = t0;
  if (state != State::waiting) v.spawned_at = t0 + 1s;
  if (state == State::ready) v.ready_at = t0 + 2500ms;
  return v;
}

TEST(Progress, OneLinePerServiceWithStateAndTime) {
  engine::TimePoint t0{};
  engine::Snapshot snap{engine::Phase::starting,
                        {service("db", State::ready, t0), service("api", State::starting, t0),
                         service("web", State::waiting, t0)}};
  snap.services[1].status = "connection refused";
  auto lines = progress_lines(snap, t0 + 4s, 0, {80, 24, false});
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0], "[+] starting: 1/3 ready");
  EXPECT_EQ(lines[1], " ✔ db   ready       1.5s  ");
  EXPECT_EQ(lines[2], " ⠋ api  starting    3.0s  connection refused");
  EXPECT_EQ(lines[3], " · web  waiting     4.0s  ");
  // The spinner turns with the frame.
  EXPECT_NE(progress_lines(snap, t0 + 4s, 1, {80, 24, false})[2], lines[2]);
}

TEST(Progress, LinesNeverWrap) {
  engine::TimePoint t0{};
  engine::Snapshot snap{engine::Phase::starting, {service("api", State::starting, t0)}};
  snap.services[0].status = std::string(300, 'x');
  for (size_t columns : {20, 40, 200}) {
    for (bool color : {false, true}) {
      auto lines = progress_lines(snap, t0 + 1s, 0, {columns, 24, color});
      for (const auto& l : lines) {
        std::string visible;
        for (size_t i = 0; i < l.size(); ++i) {
          if (l[i] == '\033') {
            i = l.find('m', i);
            continue;
          }
          if ((static_cast<unsigned char>(l[i]) & 0xC0) != 0x80) visible += 'c';
        }
        EXPECT_LT(visible.size(), columns) << l;
      }
    }
  }
}

TEST(Progress, MoreServicesThanRowsShowsThoseInProgress) {
  engine::TimePoint t0{};
  engine::Snapshot snap{engine::Phase::starting, {}};
  for (int i = 0; i < 30; ++i)
    snap.services.push_back(service("s" + std::to_string(i), i == 25 ? State::starting : State::ready, t0));
  auto lines = progress_lines(snap, t0 + 3s, 0, {80, 10, false});
  EXPECT_LE(lines.size(), 9u);
  EXPECT_EQ(lines[0], "[+] starting: 29/30 ready");
  EXPECT_NE(lines[1].find("s25"), std::string::npos) << "the one in progress comes first";
  EXPECT_NE(lines.back().find("more ready"), std::string::npos);
}

}  // namespace
}  // namespace lineup::report
