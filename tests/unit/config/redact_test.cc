// Secrets must never reach output. Redaction works on values, so these
// tables put the secrets where they really end up: in URLs, in command
// lines, in error messages, next to other text.
#include "config/redact.h"

#include <gtest/gtest.h>

namespace lineup::config {
namespace {

TEST(Redact, SecretNames) {
  struct Case {
    const char* name;
    bool secret;
  } cases[] = {
      {"POSTGRES_PASSWORD", true},
      {"db_password", true},
      {"JWT_SECRET", true},
      {"SECRET_KEY_BASE", true},
      {"GITHUB_TOKEN", true},
      {"api_key", true},
      {"AWS_ACCESS_KEY_ID", true},
      {"MYSQL_PASSWD", true},
      {"PATH", false},
      {"HOME", false},
      {"LOG_LEVEL", false},
      {"PORT", false},
      {"", false},
  };
  for (const auto& c : cases) EXPECT_EQ(is_secret_name(c.name), c.secret) << c.name;
}

TEST(Redact, UrlPasswords) {
  struct Case {
    const char* text;
    const char* expected;
  } cases[] = {
      {"postgresql://app:pw@127.0.0.1:5432/app", "postgresql://app:***@127.0.0.1:5432/app"},
      {"redis://:s3cret@localhost:6379/0", "redis://:***@localhost:6379/0"},
      {"amqp://guest:guest@rabbit", "amqp://guest:***@rabbit"},
      {"https://user:p%40ss@example.com?x=1", "https://user:***@example.com?x=1"},
      {"postgres://u:p@ss@host/db", "postgres://u:***@host/db"},  // an unescaped @ in the password
      // Text around and several URLs in one line.
      {"connect to \"postgres://a:one@h1/db\" then redis://b:two@h2 done",
       "connect to \"postgres://a:***@h1/db\" then redis://b:***@h2 done"},
      // Nothing to hide.
      {"http://127.0.0.1:8000/health", "http://127.0.0.1:8000/health"},
      {"http://user@host/path", "http://user@host/path"},
      {"http://host/a:b@c", "http://host/a:b@c"},  // the @ is in the path, not the authority
      {"no url here: a:b@c", "no url here: a:b@c"},
      {"", ""},
      {"://", "://"},
      {"x://:@", "x://:***@"},
  };
  for (const auto& c : cases) EXPECT_EQ(redact_url_passwords(c.text), c.expected) << c.text;
}

TEST(Redact, SecretValuesAreMaskedWherever) {
  Variables vars;
  vars.set("POSTGRES_PASSWORD", "hunter22");
  vars.set("JWT_SECRET", "jwt-abc-123");
  vars.set("GITHUB_TOKEN", "ghp_xyz");
  vars.set("API_KEY", "k-777");
  vars.set("LOG_LEVEL", "debug");  // not a secret
  vars.set("SHORT_TOKEN", "ab");   // too short to mask safely
  Config cfg;
  cfg.environment = {{"SESSION_SECRET", "sess-999"}, {"REGION", "eu-west"}};
  Service s;
  s.name = "api";
  s.environment = {{"STRIPE_KEY", "sk_live_42"}, {"PORT", "8000"}};
  cfg.services.push_back(s);
  Redactor redact(cfg, vars);

  struct Case {
    const char* text;
    const char* expected;
  } cases[] = {
      {"hunter22", "***"},
      {"password is hunter22.", "password is ***."},
      {"--token=ghp_xyz --key k-777", "--token=*** --key ***"},
      {"Bearer jwt-abc-123 and again jwt-abc-123", "Bearer *** and again ***"},
      {"cookie sess-999; stripe sk_live_42", "cookie ***; stripe ***"},
      {"level debug in eu-west on 8000", "level debug in eu-west on 8000"},
      {"ab is not masked", "ab is not masked"},
      // A URL password that is no variable at all is masked too.
      {"postgresql://app:other@db/app", "postgresql://app:***@db/app"},
      {"postgresql://app:hunter22@db/app?sslmode=hunter22", "postgresql://app:***@db/app?sslmode=***"},
  };
  for (const auto& c : cases) EXPECT_EQ(redact(c.text), c.expected) << c.text;
}

TEST(Redact, LongestSecretFirst) {
  Redactor redact;
  redact.add_secret("abc");
  redact.add_secret("abcdef");
  redact.add_secret("abc");  // twice is once
  EXPECT_EQ(redact("x abcdef y abc z"), "x *** y *** z");
}

TEST(Redact, EmptyRedactorChangesNothingButUrls) {
  Redactor redact;
  EXPECT_EQ(redact("plain text"), "plain text");
  EXPECT_EQ(redact("mysql://root:pw@db"), "mysql://root:***@db");
}

// Service output: the known values only (a URL the service prints with a
// password lineup never saw stays as printed), and a line without a secret
// is not copied.
TEST(Redact, MaskValuesInServiceOutput) {
  Redactor redact;
  redact.add_secret("hunter22");
  redact.add_secret("hunter22-long");
  std::string out = "untouched";
  EXPECT_FALSE(redact.mask_values("GET /health 200", out));
  EXPECT_EQ(out, "untouched");
  EXPECT_FALSE(redact.mask_values("postgresql://app:other@db/app", out));
  EXPECT_TRUE(redact.mask_values("pw=hunter22-long, again hunter22.", out));
  EXPECT_EQ(out, "pw=***, again ***.");
  EXPECT_TRUE(redact.mask_values("hunter22", out));
  EXPECT_EQ(out, "***");
  Redactor none;
  EXPECT_FALSE(none.mask_values("hunter22", out));
}

}  // namespace
}  // namespace lineup::config
