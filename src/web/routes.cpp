#include "web/routes.h"

#include <stdexcept>

namespace shelfmark::web {
namespace {

using Segment = RouteTable::Route::Segment;

// The parameter names whose values are text; every other name in braces is a number.
bool is_text_parameter(std::string_view name) {
  return name == "code" || name == "date" || name == "token" || name == "file" || name == "card";
}

std::vector<Segment> parse_pattern(const std::string& pattern) {
  if (pattern.empty() || pattern[0] != '/') throw std::logic_error("route pattern must start with /: " + pattern);
  std::vector<Segment> segments;
  std::string_view rest = std::string_view(pattern).substr(1);
  std::size_t parameters = 0;
  for (;;) {
    const auto slash = rest.find('/');
    const auto text = rest.substr(0, slash);
    Segment segment;
    if (!text.empty() && text[0] == '{') {
      const auto close = text.find('}');
      if (close == std::string_view::npos) throw std::logic_error("unclosed { in route pattern: " + pattern);
      const auto name = text.substr(1, close - 1);
      segment.literal = std::string(text.substr(close + 1));
      if (name == "lang") {
        segment.kind = Segment::Kind::kLang;
      } else {
        segment.kind = is_text_parameter(name) ? Segment::Kind::kText : Segment::Kind::kNumber;
        if (++parameters > RouteParams::kMax) throw std::logic_error("too many parameters in " + pattern);
      }
    } else {
      if (text.find_first_of("{}") != std::string_view::npos)
        throw std::logic_error("a parameter must start its segment: " + pattern);
      segment.literal = std::string(text);
    }
    segments.push_back(std::move(segment));
    if (slash == std::string_view::npos) break;
    rest = rest.substr(slash + 1);
  }
  return segments;
}

// A positive number of at most 18 digits; -1 for anything else.
long long positive_number(std::string_view text) {
  const auto value = parse_id(text);
  return value > 0 ? value : -1;
}

}  // namespace

bool Access::allows(domain::Role role) const {
  if (any_of.empty()) return true;
  for (auto permission : any_of)
    if (domain::role_allows(role, permission)) return true;
  return false;
}

void RouteTable::add(std::string method, std::string pattern, Access access, RouteHandler handler, std::string label) {
  if (method != "GET" && method != "POST") throw std::logic_error("route method must be GET or POST: " + method);
  if (!access.any_of.empty() && access.audience != Audience::kStaff)
    throw std::logic_error("only staff routes name permissions: " + pattern);
  for (const auto& route : routes_)
    if (route.info.method == method && route.info.pattern == pattern)
      throw std::logic_error("route added twice: " + method + " " + pattern);
  Route route;
  route.segments = parse_pattern(pattern);
  route.staff_area = pattern.rfind("/{lang}/staff/", 0) == 0 || pattern == "/{lang}/staff";
  route.info = {std::move(method), pattern, label.empty() ? pattern : std::move(label), std::move(access)};
  route.handler = std::move(handler);
  routes_.push_back(std::move(route));
}

bool RouteTable::matches(const Route& route, std::string_view path, RouteParams& params) const {
  if (path.empty() || path[0] != '/') return false;
  std::string_view rest = path.substr(1);
  std::size_t parameter = 0;
  for (std::size_t i = 0; i < route.segments.size(); ++i) {
    const auto slash = rest.find('/');
    const bool last = i + 1 == route.segments.size();
    // The path must have exactly as many segments as the pattern.
    if (last != (slash == std::string_view::npos)) return false;
    const auto text = rest.substr(0, slash);
    const auto& segment = route.segments[i];
    switch (segment.kind) {
      case Segment::Kind::kLiteral:
        if (text != segment.literal) return false;
        break;
      case Segment::Kind::kLang:
        if (!domain::parse_language_code(text) || !segment.literal.empty()) return false;
        break;
      case Segment::Kind::kNumber:
      case Segment::Kind::kText: {
        if (text.size() <= segment.literal.size() || !text.ends_with(segment.literal)) return false;
        const auto value = text.substr(0, text.size() - segment.literal.size());
        if (segment.kind == Segment::Kind::kNumber) {
          const auto number = positive_number(value);
          if (number < 0) return false;
          params.numbers_[parameter] = number;
        }
        params.texts_[parameter] = value;
        ++parameter;
        break;
      }
    }
    if (!last) rest = rest.substr(slash + 1);
  }
  return true;
}

RouteTable::Match RouteTable::match(std::string_view method, std::string_view path) const {
  Match result;
  const std::string_view wanted = method == "HEAD" ? std::string_view("GET") : method;
  for (const auto& route : routes_) {
    RouteParams params;
    if (!matches(route, path, params)) continue;
    if (route.info.method != wanted) {
      result.path_known = true;
      continue;
    }
    result.route = &route;
    result.params = params;
    return result;
  }
  return result;
}

std::vector<RouteInfo> RouteTable::describe() const {
  std::vector<RouteInfo> out;
  out.reserve(routes_.size());
  for (const auto& route : routes_) out.push_back(route.info);
  return out;
}

std::string_view audience_code(Audience audience) {
  switch (audience) {
    case Audience::kPublic:
      return "public";
    case Audience::kSignIn:
      return "sign-in";
    case Audience::kReader:
      return "reader";
    case Audience::kStaff:
      return "staff";
  }
  return "public";
}

std::string_view permission_code(domain::Permission permission) {
  using domain::Permission;
  switch (permission) {
    case Permission::kViewStaffPages:
      return "view_staff_pages";
    case Permission::kManageNotices:
      return "manage_notices";
    case Permission::kManageLibraries:
      return "manage_libraries";
    case Permission::kManageStaff:
      return "manage_staff";
    case Permission::kCirculation:
      return "circulation";
    case Permission::kManagePolicies:
      return "manage_policies";
    case Permission::kCataloguing:
      return "cataloguing";
    case Permission::kVerifyRegistrations:
      return "verify_registrations";
    case Permission::kCompleteRegistrations:
      return "complete_registrations";
    case Permission::kManageActivities:
      return "manage_activities";
    case Permission::kRunActivities:
      return "run_activities";
    case Permission::kManageStudyRooms:
      return "manage_study_rooms";
    case Permission::kCheckAdmissionCards:
      return "check_admission_cards";
    case Permission::kAnswerEnquiries:
      return "answer_enquiries";
    case Permission::kMergeReaders:
      return "merge_readers";
    case Permission::kReadAudit:
      return "read_audit";
    case Permission::kFindReaders:
      return "find_readers";
    case Permission::kEditReaders:
      return "edit_readers";
  }
  return "unknown";
}

}  // namespace shelfmark::web
