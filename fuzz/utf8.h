// Shared by the fuzz targets: is a byte string valid UTF-8? lineup's JSON
// output (nlohmann::json::dump) throws on anything else, so text that comes
// in valid must go out valid.
#pragma once

#include <string_view>

namespace lineup::fuzz {

inline bool valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    unsigned c = static_cast<unsigned char>(s[i]);
    size_t extra;
    unsigned cp;
    if (c < 0x80) {
      extra = 0, cp = c;
    } else if ((c >> 5) == 0x6) {
      extra = 1, cp = c & 0x1F;
    } else if ((c >> 4) == 0xE) {
      extra = 2, cp = c & 0x0F;
    } else if ((c >> 3) == 0x1E) {
      extra = 3, cp = c & 0x07;
    } else {
      return false;
    }
    if (s.size() - i <= extra) return false;
    for (size_t k = 1; k <= extra; ++k) {
      unsigned cc = static_cast<unsigned char>(s[i + k]);
      if ((cc >> 6) != 0x2) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and code points past U+10FFFF are invalid too.
    static constexpr unsigned kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[extra] || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return false;
    i += extra + 1;
  }
  return true;
}

}  // namespace lineup::fuzz
