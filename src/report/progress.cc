#include "report/progress.h"

#include <fmt/format.h>

#include <algorithm>

#include "util/terminal_text.h"

namespace lineup::report {

namespace {

using engine::State;

// Symbol and colour per state: done, in progress, waiting, bad.
struct Look {
  const char* symbol;
  const char* color;
};

Look look_of(State s, unsigned frame) {
  static const char* const spinner[] = {"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"};
  switch (s) {
    case State::ready:
    case State::completed:
      return {"✔", "\033[32m"};
    case State::failed:
    case State::blocked:
      return {"✘", "\033[31m"};
    case State::skipped:
    case State::backoff:
      return {"!", "\033[33m"};
    case State::starting:
    case State::stopping:
      return {spinner[frame % 10], "\033[36m"};
    default:
      return {"·", "\033[2m"};
  }
}

bool done(State s) {
  return s == State::ready || s == State::completed;
}

// Cuts `text` to `width` columns, counting UTF-8 code points (the glyphs used
// here are one column wide; service output never goes through this).
std::string fit(const std::string& text, size_t width) {
  size_t cols = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;  // continuation byte
    if (++cols > width) return text.substr(0, i);
  }
  return text;
}

}  // namespace

std::vector<std::string> progress_lines(const engine::Snapshot& snap, engine::TimePoint now, unsigned frame,
                                        const ProgressStyle& style) {
  std::vector<const engine::ServiceView*> shown;
  for (const auto& s : snap.services)
    if (s.goal == engine::Goal::up) shown.push_back(&s);
  size_t name_width = 4;
  for (const auto* s : shown) name_width = std::max(name_width, s->name.size());
  name_width = std::min<size_t>(name_width, 32);

  // More services than rows: the ones still in progress are shown, the
  // finished ones counted on one line.
  size_t room = style.rows > 3 ? style.rows - 3 : 1;  // minus the head and the summary lines
  size_t hidden = 0;
  if (shown.size() > room) {
    std::stable_partition(shown.begin(), shown.end(), [](const auto* s) { return !done(s->state); });
    hidden = shown.size() - room;
    shown.resize(room);
  }

  size_t total = 0, finished = 0;
  for (const auto& s : snap.services)
    if (s.goal == engine::Goal::up) {
      ++total;
      finished += done(s.state) ? 1 : 0;
    }
  std::vector<std::string> lines;
  std::string head = fit(fmt::format("[+] starting: {}/{} ready", finished, total), style.columns - 1);
  lines.push_back(style.color ? "\033[1m" + head + "\033[0m" : head);
  for (const auto* s : shown) {
    Look l = look_of(s->state, frame);
    std::optional<engine::TimePoint> from = s->spawned_at ? s->spawned_at : s->waiting_at;
    std::optional<engine::TimePoint> to = s->state == State::completed ? s->ended_at
                                          : s->state == State::ready   ? s->ready_at
                                                                     : std::optional<engine::TimePoint>(now);
    std::string took = from && to && *to >= *from
                           ? fmt::format("{:.1f}s", std::chrono::duration<double>(*to - *from).count())
                           : "";
    std::string detail = printable(!s->error.empty() && !done(s->state) ? s->error : s->status);
    std::string name = s->name.size() > name_width ? s->name.substr(0, name_width - 1) + "~" : s->name;
    std::string plain = fmt::format(" {} {:<{}} {:<9} {:>6}  {}", l.symbol, name, name_width,
                                    engine::name_of(s->state), took, detail);
    plain = fit(plain, style.columns - 1);
    if (!style.color) {
      lines.push_back(std::move(plain));
      continue;
    }
    // Colour the symbol only: cutting must not fall inside an escape sequence.
    size_t symbol_end = 1 + std::string_view(l.symbol).size();
    lines.push_back(fmt::format(" {}{}\033[0m{}", l.color, l.symbol, plain.substr(symbol_end)));
  }
  if (hidden) lines.push_back(fmt::format(" … and {} more ready", hidden));
  return lines;
}

}  // namespace lineup::report
