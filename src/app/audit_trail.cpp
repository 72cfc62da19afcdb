#include "app/audit_trail.h"

#include <algorithm>
#include <map>

#include "core/text.h"

namespace shelfmark::app {
namespace {

using domain::ErrorCode;
using domain::failure;
using domain::Outcome;

// The most subjects one reader search looks for: the reader and their applications (one or two in practice).
constexpr std::size_t kMaxSubjects = 200;

bool allowed(const Actor& actor) { return domain::role_allows(actor.role, domain::Permission::kReadAudit); }

// The checked filter as a query, or the field errors. `reader_id` is the reader a card found.
struct Resolved {
  AuditQuery query;
  std::optional<long long> reader_id;
  bool matches_nothing = false;  // a subject that is not the reader's
};

Outcome<Resolved> resolve(const Context& context, Repositories& repos, const domain::AuditFilterText& text) {
  auto [filter, errors] = domain::check_audit_filter(text);
  Resolved resolved;
  auto& q = resolved.query;
  if (!filter.staff.empty() &&
      errors.end() == std::find_if(errors.begin(), errors.end(), [](const auto& e) { return e.field == "staff"; })) {
    if (auto staff = repos.staff.by_username(filter.staff))
      q.staff_id = staff->user.id;
    else
      errors.push_back({"staff", ErrorCode::kAuditStaffUnknown, {}});
  }
  if (!filter.card.empty() &&
      errors.end() == std::find_if(errors.begin(), errors.end(), [](const auto& e) { return e.field == "card"; })) {
    if (auto reader = repos.circulation.reader_by_card(filter.card)) {
      resolved.reader_id = reader->id;
      q.subjects.push_back("reader:" + std::to_string(reader->id));
      for (auto application : repos.audit.applications_of_reader(reader->id)) {
        if (q.subjects.size() >= kMaxSubjects) break;
        q.subjects.push_back("application:" + std::to_string(application));
      }
    } else {
      errors.push_back({"card", ErrorCode::kAuditCardUnknown, {}});
    }
  }
  if (!errors.empty()) return domain::invalid(std::move(errors));
  if (!filter.subject.empty()) {
    if (q.subjects.empty() || std::find(q.subjects.begin(), q.subjects.end(), filter.subject) != q.subjects.end())
      q.subjects = {filter.subject};
    else
      resolved.matches_nothing = true;
  }
  q.action = filter.action;
  if (filter.from) q.from = context.zone.to_instant({*filter.from, 0});
  if (filter.to) q.until = context.zone.to_instant({*filter.to + std::chrono::days(1), 0});
  return resolved;
}

std::vector<AuditLine> lines_of(const std::vector<AuditRow>& rows,
                                const std::map<long long, domain::StaffUser>& staff) {
  std::vector<AuditLine> lines;
  lines.reserve(rows.size());
  for (const auto& row : rows) {
    AuditLine line{row.id, row.entry.at,     row.entry.staff_id, "",
                   "",     row.entry.action, row.entry.subject,  row.entry.detail};
    if (row.entry.staff_id) {
      auto it = staff.find(*row.entry.staff_id);
      if (it != staff.end()) {
        line.staff_username = it->second.username;
        line.staff_name = it->second.display_name;
      }
    }
    lines.push_back(std::move(line));
  }
  return lines;
}

std::map<long long, domain::StaffUser> staff_by_id(Repositories& repos) {
  std::map<long long, domain::StaffUser> out;
  for (auto& user : repos.staff.all()) out.emplace(user.id, std::move(user));
  return out;
}

}  // namespace

Outcome<AuditPage> audit_trail(const Context& context, const Actor& actor, const AuditSearch& search) {
  if (!allowed(actor)) return failure(ErrorCode::kPermissionDenied);
  std::optional<Outcome<AuditPage>> result;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
    auto resolved = resolve(context, repos, search.filter);
    if (!resolved) {
      result = resolved.error();
      return;
    }
    AuditPage page;
    if (resolved.value().matches_nothing) {
      result = std::move(page);
      return;
    }
    auto query = resolved.value().query;
    query.after = domain::parse_audit_cursor(search.cursor);
    query.limit = kAuditPageSize + 1;  // one more tells whether there is a next page
    auto rows = repos.audit.search(query);
    if (static_cast<int>(rows.size()) > kAuditPageSize) {
      rows.resize(kAuditPageSize);
      page.next_cursor = domain::audit_cursor(rows.back().entry.at, rows.back().id);
    }
    page.lines = lines_of(rows, staff_by_id(repos));
    result = std::move(page);
  });
  return std::move(*result);
}

Outcome<AuditExport> export_audit_trail(const Context& context, const Actor& actor,
                                        const domain::AuditFilterText& filter) {
  if (!allowed(actor)) return failure(ErrorCode::kPermissionDenied);
  std::optional<Outcome<AuditExport>> result;
  std::string detail;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
    auto resolved = resolve(context, repos, filter);
    if (!resolved) {
      result = resolved.error();
      return;
    }
    AuditExport out;
    auto query = resolved.value().query;
    if (!resolved.value().matches_nothing) {
      constexpr int kBatch = 1000;
      std::vector<AuditRow> rows;
      while (static_cast<int>(rows.size()) <= kAuditExportLimit) {
        query.limit = kBatch;
        auto batch = repos.audit.search(query);
        rows.insert(rows.end(), batch.begin(), batch.end());
        if (static_cast<int>(batch.size()) < kBatch) break;
        query.after = std::make_pair(batch.back().entry.at, batch.back().id);
      }
      if (static_cast<int>(rows.size()) > kAuditExportLimit) {
        rows.resize(kAuditExportLimit);
        out.truncated = true;
      }
      out.lines = lines_of(rows, staff_by_id(repos));
    }
    // What was exported, without personal data: the reader by id, never the card number.
    auto add = [&](const std::string& name, const std::string& value) {
      if (!value.empty()) detail += (detail.empty() ? "" : " ") + name + "=" + value;
    };
    add("staff", filter.staff.empty() ? "" : std::string(trim(filter.staff)));
    add("reader", resolved.value().reader_id ? std::to_string(*resolved.value().reader_id) : "");
    add("action", query.action);
    add("subject", std::string(trim(filter.subject)));
    add("from", std::string(trim(filter.from)));
    add("to", std::string(trim(filter.to)));
    add("rows", std::to_string(out.lines.size()) + (out.truncated ? " (truncated)" : ""));
    result = std::move(out);
  });
  if (*result) {
    context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
      repos.audit.record({context.clock.now(), actor.staff_id, "audit.export", "audit_log", detail});
    });
  }
  return std::move(*result);
}

long long prune_audit_log(const Context& context, const AuditRetention& retention) {
  const auto now = context.clock.now();
  long long deleted = 0;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    deleted = repos.audit.prune(now - retention.changes, now - retention.views);
  });
  return deleted;
}

std::vector<RecordViewing> record_viewings(const Context& context, long long reader_id) {
  std::vector<RecordViewing> out;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
    out.clear();
    AuditQuery query;
    query.subjects.push_back("reader:" + std::to_string(reader_id));
    for (auto application : repos.audit.applications_of_reader(reader_id)) {
      if (query.subjects.size() >= kMaxSubjects) break;
      query.subjects.push_back("application:" + std::to_string(application));
    }
    query.views_only = true;
    query.limit = kAuditExportLimit;
    const auto staff = staff_by_id(repos);
    for (const auto& row : repos.audit.search(query)) {
      RecordViewing viewing{row.entry.at, std::nullopt, ViewedWhat::kOther};
      if (row.entry.staff_id) {
        auto it = staff.find(*row.entry.staff_id);
        if (it != staff.end()) viewing.role = it->second.role;
      }
      if (row.entry.action == "reader.view") viewing.what = ViewedWhat::kRecord;
      if (row.entry.action == "registration.view") viewing.what = ViewedWhat::kRegistration;
      if (row.entry.action == "document.view") viewing.what = ViewedWhat::kDocument;
      out.push_back(viewing);
    }
  });
  return out;
}

std::string_view viewed_what_code(ViewedWhat what) {
  switch (what) {
    case ViewedWhat::kRecord:
      return "record";
    case ViewedWhat::kRegistration:
      return "registration";
    case ViewedWhat::kDocument:
      return "document";
    case ViewedWhat::kOther:
      return "other";
  }
  return "other";
}

}  // namespace shelfmark::app
