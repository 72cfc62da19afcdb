// Requests that may arrive more than once (a self-check machine resending, a double-clicked form) are applied
// once: the first run's answer is stored under the client's key and given again, marked `replayed`, to every
// repeat. Used by checkout, check-in, renewal and payment. Not part of the app layer's interface: only
// src/app/*.cpp include this header.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/ports.h"
#include "core/text.h"

namespace shelfmark::app::internal {

using domain::Outcome;

// Idempotent results are stored with the project's one field encoding (core/text.h), which escapes
// newlines, '=' and backslashes: a title holding "\ndue_on=..." cannot forge a field of a replayed answer.
inline std::string encode(const std::vector<std::pair<std::string, std::string>>& fields) {
  return encode_fields(std::map<std::string, std::string>(fields.begin(), fields.end()));
}
inline std::map<std::string, std::string> decode(const std::string& text) { return decode_fields(text); }

// Runs `work` in a write transaction. A unique violation (a racing request won) is answered by `on_race`.
template <class Result, class Work, class Race>
Outcome<Result> write_once(const Context& context, Work work, Race on_race) {
  std::optional<Outcome<Result>> result;
  try {
    context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) { result = work(repos); });
  } catch (const StoreError& error) {
    if (error.kind() != StoreError::Kind::kUniqueViolation) throw;
    return on_race();
  }
  return std::move(*result);
}

using StoredFields = std::map<std::string, std::string>;

// A request that may arrive more than once (a terminal resending, a double-clicked form): the result of its
// first run is stored under its key and given again, marked `replayed`, to every repeat.
template <class Result>
struct Idempotent {
  std::string operation;  // "check_out"
  std::string key;        // operation + ":" + the client's key; empty when the client gave none
  std::function<std::vector<std::pair<std::string, std::string>>(const Result&)> save;
  std::function<Result(StoredFields&)> load;

  Idempotent(std::string operation_name, const std::string& client_key,
             std::function<std::vector<std::pair<std::string, std::string>>(const Result&)> save_fields,
             std::function<Result(StoredFields&)> load_fields)
      : operation(std::move(operation_name)),
        key(client_key.empty() ? "" : operation + ":" + client_key),
        save(std::move(save_fields)),
        load(std::move(load_fields)) {}

  std::optional<Result> earlier(Repositories& repos) const {
    if (key.empty()) return std::nullopt;
    auto stored = repos.circulation.idempotent_result(key);
    if (!stored) return std::nullopt;
    auto fields = decode(*stored);
    auto result = load(fields);
    result.replayed = true;
    return result;
  }
};

// One write transaction for a request that may be resent: a repeat gets the stored answer; a first run
// stores its answer with its effects; losing a unique-violation race to the same request gives the winner's
// answer, to another request whatever `on_race` says.
template <class Result, class Work, class Race>
Outcome<Result> write_idempotent(const Context& context, const Idempotent<Result>& request, Work work, Race on_race) {
  return write_once<Result>(
      context,
      [&](Repositories& repos) -> Outcome<Result> {
        if (auto earlier = request.earlier(repos)) return *earlier;
        auto result = work(repos);
        if (result && !request.key.empty())
          repos.circulation.save_idempotent_result(request.key, request.operation, encode(request.save(result.value())),
                                                   context.clock.now());
        return result;
      },
      [&]() -> Outcome<Result> {
        std::optional<Result> earlier;
        context.store.transact(Store::Mode::kRead, [&](Repositories& repos) { earlier = request.earlier(repos); });
        if (earlier) return *earlier;
        return on_race();
      });
}

// For writes whose races are all retries of one request: any other unique violation is a fault.
template <class Result>
Outcome<Result> unexpected_race() {
  throw StoreError(StoreError::Kind::kOther, "a write raced with another that is not a retry of it");
}

}  // namespace shelfmark::app::internal
