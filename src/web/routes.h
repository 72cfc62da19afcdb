// The route table: every address the site answers, as {method, pattern, access, label, handler}. Each page
// group adds its own routes next to its handlers (`add_routes(RouteTable&)`); Site holds one table and
// dispatches every request through `match`, then checks `access` and, for a POST, the CSRF token, in one
// place, before the handler runs. Handlers therefore never check who may use them; they keep only the finer
// checks that depend on a record (a reader reaching only their own loans, for one), which live in app/.
//
// A pattern is a path of segments: a literal ("notices"), `{lang}` (en or tc), a number parameter `{id}`
// (any other name in braces that is not a text parameter: a positive decimal number, at most 18 digits),
// or a text parameter `{code}`, `{date}`, `{token}`, `{file}` or `{card}` (any non-empty segment). A parameter may be
// followed by a literal suffix in the same segment: `{id}.ics`. "/" is the root; a pattern ending in "/"
// matches a path ending in "/" only. GET routes answer HEAD as well.
//
// `shelfmark routes` prints the table (describe()); tests/browser/routes.test.mjs runs the access, CSRF,
// escaping and other-reader checks over every route it lists.
#pragma once

#include <array>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "domain/staff.h"
#include "web/page_kit.h"

namespace shelfmark::web {

// Who may use a route, which decides what the site does before its handler runs.
enum class Audience {
  // Anyone. A POST carries the token of the signed-in reader's session, or the sign-in cookie's.
  kPublic,
  // Anyone, on the way to signing in (sign-in, password reset, registration): a POST carries the sign-in
  // cookie's token (double submit), whoever is signed in.
  kSignIn,
  // A reader signed in to My Account. Signed out: a GET is sent to /{lang}/login?next=…, a POST is 419.
  kReader,
  // A staff member. Signed out: sent to the staff sign-in. Without one of `any_of`: 403.
  kStaff,
};

struct Access {
  Audience audience = Audience::kPublic;
  // kStaff only: the staff member's role must allow one of these; empty means any staff member.
  std::vector<domain::Permission> any_of;

  static Access anyone() { return {Audience::kPublic, {}}; }
  static Access signing_in() { return {Audience::kSignIn, {}}; }
  static Access reader() { return {Audience::kReader, {}}; }
  static Access staff(std::initializer_list<domain::Permission> any_of = {}) { return {Audience::kStaff, any_of}; }
  // Whether a staff member with this role passes (kStaff only).
  bool allows(domain::Role role) const;
};

// The parameters of a matched path, in the order of the pattern ({lang} not counted).
class RouteParams {
 public:
  static constexpr std::size_t kMax = 4;
  // The number of a number parameter ({id}); text() of a text parameter ({code}).
  long long number(std::size_t index) const { return numbers_[index]; }
  std::string text(std::size_t index) const { return std::string(texts_[index]); }

 private:
  friend class RouteTable;
  std::array<std::string_view, kMax> texts_{};
  std::array<long long, kMax> numbers_{};
};

using RouteHandler = std::function<Response(Page&, const RouteParams&)>;

// A route as `shelfmark routes` shows it.
struct RouteInfo {
  std::string method;   // "GET" or "POST"
  std::string pattern;  // "/{lang}/staff/notices/{id}/edit"
  std::string label;    // the metrics and access-log label
  Access access;
};

class RouteTable {
 public:
  struct Route {
    RouteInfo info;
    RouteHandler handler;
    // Under /{lang}/staff: the staff session is resumed, the reader's is not.
    bool staff_area = false;

    struct Segment {
      enum class Kind { kLiteral, kLang, kNumber, kText } kind = Kind::kLiteral;
      std::string literal;  // kLiteral: the segment; a parameter: the suffix after it ("" or ".ics")
    };
    std::vector<Segment> segments;
  };

  // Adds a route; `label` defaults to the pattern. Throws std::logic_error on a malformed pattern or one
  // already added for this method.
  void add(std::string method, std::string pattern, Access access, RouteHandler handler, std::string label = {});
  void get(std::string pattern, Access access, RouteHandler handler, std::string label = {}) {
    add("GET", std::move(pattern), std::move(access), std::move(handler), std::move(label));
  }
  void post(std::string pattern, Access access, RouteHandler handler, std::string label = {}) {
    add("POST", std::move(pattern), std::move(access), std::move(handler), std::move(label));
  }

  struct Match {
    const Route* route = nullptr;  // none: 404, or 405 when `path_known`
    bool path_known = false;       // some route has this path, for another method
    RouteParams params;
  };
  // The route for this method and path. A first match wins; no allocation.
  Match match(std::string_view method, std::string_view path) const;

  std::vector<RouteInfo> describe() const;

 private:
  bool matches(const Route& route, std::string_view path, RouteParams& params) const;
  std::vector<Route> routes_;
};

// "public", "sign-in", "reader" or "staff".
std::string_view audience_code(Audience audience);
// "manage_notices", "circulation" ...
std::string_view permission_code(domain::Permission permission);

}  // namespace shelfmark::web
