# The dependency rule of docs/architecture.md, checked on #include lines (linking alone cannot see header-only
# libraries or headers of our own reached through the include path):
#  1. domain/ and app/ include no adapter library (SQLite, libpq, RESTinio, mustache, Xapian, curl, YAZ,
#     libsodium, Boost.Locale, spdlog, asio);
#  2. domain/ includes only core/ and domain/; app/ only core/, domain/ and app/;
#  3. an adapter includes another adapter only along the edges named below. Tests (*_test.cpp, the store's
#     test support and testing/) and bin/, which wires everything together, are exempt.
# Rules 1 and 2 have no exemption: the app's use-case tests (src/app/*_test.cpp) and their fixture
# (src/app/testing/) are held to them like the use cases; the adapters behind the fixture are made in
# src/store/testing/app_adapters.cpp, under rule 3's exemption.
cmake_minimum_required(VERSION 3.20)
set(forbidden_libraries "#include *[<\"](sqlite3\\.h|libpq-fe\\.h|restinio/|kainjow/|mustache|xapian|curl/|yaz/|sodium|boost/locale|spdlog/|asio)")
set(adapters store web sip2 search security imaging mail marc jobs)
# Adapter -> adapter edges that are allowed, and why:
#   store -> marc     records are kept as MARCXML (ADR 0010); the store writes and reads it
#   web -> marc       the MARC export pages write ISO 2709 and MARCXML
#   web -> security   constant-time comparison of CSRF tokens
set(allowed_edges "store>marc" "web>marc" "web>security")

set(bad "")
function(check_file f pattern why)
  file(STRINGS "${f}" hits REGEX "${pattern}")
  if(hits)
    set(bad ${bad} "${f}: ${why}: ${hits}" PARENT_SCOPE)
  endif()
endfunction()

string(REPLACE ";" "|" adapter_alternatives "${adapters}")
foreach(layer domain app)
  file(GLOB_RECURSE files "${SRC}/${layer}/*.h" "${SRC}/${layer}/*.cpp")
  foreach(f IN LISTS files)
    check_file("${f}" "${forbidden_libraries}" "an adapter library in ${layer}/")
    if(layer STREQUAL "domain")
      check_file("${f}" "#include *\"(app|bin|${adapter_alternatives})/" "domain/ may include only core/ and domain/")
    else()
      check_file("${f}" "#include *\"(bin|${adapter_alternatives})/" "app/ may include only core/, domain/ and app/")
    endif()
  endforeach()
endforeach()

foreach(adapter IN LISTS adapters)
  if(NOT IS_DIRECTORY "${SRC}/${adapter}")
    continue()
  endif()
  set(others "")
  foreach(other IN LISTS adapters)
    if(NOT other STREQUAL adapter AND NOT "${adapter}>${other}" IN_LIST allowed_edges)
      list(APPEND others "${other}")
    endif()
  endforeach()
  list(APPEND others bin)
  string(REPLACE ";" "|" other_alternatives "${others}")
  file(GLOB_RECURSE files "${SRC}/${adapter}/*.h" "${SRC}/${adapter}/*.cpp")
  foreach(f IN LISTS files)
    if(f MATCHES "_test\\.cpp$|/store_test_[a-z_]+\\.(h|cpp)$|/testing/")
      continue()
    endif()
    check_file("${f}" "#include *\"(${other_alternatives})/" "${adapter}/ may not include that adapter")
  endforeach()
endforeach()

if(bad)
  string(REPLACE ";" "\n" bad "${bad}")
  message(FATAL_ERROR "Layering rule broken (see docs/architecture.md, 'The dependency rule'):\n${bad}")
endif()
message(STATUS "layering ok")
