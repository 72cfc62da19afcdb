#include "web/audit_pages.h"

#include "app/audit_trail.h"
#include "web/formats.h"
#include "web/views.h"

namespace shelfmark::web {
namespace {

using mustache::data;

constexpr const char* kFilterFields[] = {"staff", "card", "action", "subject", "from", "to"};

domain::AuditFilterText filter_of(const Request& request) {
  return {request.query_value("staff"),   request.query_value("card"), request.query_value("action"),
          request.query_value("subject"), request.query_value("from"), request.query_value("to")};
}

// The filters as a query string ("staff=…&to=…"), only those typed.
std::string filter_query(const Request& request) {
  std::string out;
  for (const auto* field : kFilterFields) {
    const auto value = request.query_value(field);
    if (value.empty()) continue;
    out += (out.empty() ? "" : "&") + std::string(field) + "=" + percent_encode(value);
  }
  return out;
}

}  // namespace

void AuditPages::add_routes(RouteTable& routes) {
  const auto readers = Access::staff({domain::Permission::kReadAudit});
  routes.get("/{lang}/staff/audit", readers, [this](Page& p, const RouteParams&) { return trail(p); });
  routes.get("/{lang}/staff/audit.csv", readers, [this](Page& p, const RouteParams&) { return export_csv(p); });
}

Response AuditPages::trail(Page& p) { return render(p, std::nullopt); }

Response AuditPages::render(Page& p, const std::optional<domain::Failure>& failure_in) {
  p.nav = "staff";
  const auto lang = p.lang;
  const auto& context = kit_.app_context();
  const auto& request = p.request;
  data content;
  for (const auto* field : kFilterFields) content.set(field, request.query_value(field));
  auto actions = list();
  for (auto action : domain::known_audit_actions()) {
    data option;
    option.set("value", std::string(action));
    actions.push_back(option);
  }
  content.set("actions", actions);
  std::optional<domain::Failure> failure = failure_in;
  if (!failure) {
    auto found = app::audit_trail(context, p.session->actor(), {filter_of(request), request.query_value("after")});
    if (!found) {
      if (auto refused = kit_.refusal_page(p, found.error())) return *refused;
      failure = found.error();
    } else {
      auto rows = list();
      for (const auto& line : found.value().lines) {
        data row;
        row.set("at", format_date_time(kit_.translations(), lang, context.zone.to_local(line.at)));
        row.set("at_iso", format_local_date_time(context.zone.to_local(line.at)));
        row.set("staff_username", line.staff_username);
        row.set("staff_name", line.staff_name);
        row.set("system", !line.staff_id);
        row.set("action", line.action);
        row.set("subject", line.subject);
        row.set("detail", line.detail);
        rows.push_back(row);
      }
      content.set("has_rows", !found.value().lines.empty());
      content.set("rows", rows);
      content.set("searched", true);
      const auto query = filter_query(request);
      if (!found.value().next_cursor.empty())
        content.set("next", "/" + lang_code(lang) + "/staff/audit?" + query + (query.empty() ? "" : "&") +
                                "after=" + percent_encode(found.value().next_cursor));
      if (!request.query_value("after").empty())
        content.set("first", "/" + lang_code(lang) + "/staff/audit" + (query.empty() ? "" : "?" + query));
      content.set("csv", "/" + lang_code(lang) + "/staff/audit.csv" + (query.empty() ? "" : "?" + query));
    }
  }
  if (failure) kit_.add_failure(lang, content, *failure);
  return kit_.page(p, "staff_audit", kit_.t(lang, "Audit trail"), content,
                   failure ? PageKit::form_status(*failure) : 200);
}

Response AuditPages::export_csv(Page& p) {
  const auto lang = p.lang;
  const auto& context = kit_.app_context();
  auto exported = app::export_audit_trail(context, p.session->actor(), filter_of(p.request));
  if (!exported) {
    if (auto refused = kit_.refusal_page(p, exported.error())) return *refused;
    return render(p, exported.error());
  }
  std::string csv = "\xEF\xBB\xBF";  // a byte order mark, so spreadsheets read the Chinese as UTF-8
  csv += csv_line({kit_.t(lang, "Time"), kit_.t(lang, "Username"), kit_.t(lang, "Name"), kit_.t(lang, "Action"),
                   kit_.t(lang, "Subject"), kit_.t(lang, "Detail")});
  for (const auto& line : exported->lines)
    csv += csv_line({format_local_date_time(context.zone.to_local(line.at)), line.staff_username, line.staff_name,
                     line.action, line.subject, line.detail});
  if (exported->truncated)
    csv += csv_line({kit_.tf(lang, "Only the newest {count} rows: narrow the filter for the rest.",
                             {{"count", std::to_string(app::kAuditExportLimit)}})});
  Response response;
  response.body = std::move(csv);
  response.set_header("Content-Type", "text/csv; charset=utf-8");
  response.set_header("Content-Disposition", "attachment; filename=\"audit-trail.csv\"");
  response.set_header("Cache-Control", "no-store");
  return response;
}

}  // namespace shelfmark::web
