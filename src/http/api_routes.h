// The REST API's routes by area; each adds its routes to the router. Route functions capture
// `deps` by reference: it must outlive the router (ApiHandler owns both).
#pragma once

#include "http/api_handler.h"
#include "http/api_router.h"

namespace scepgate::http {

// The JSON array of view(item) for each item. Thread-safe.
template <class List, class Fn>
nlohmann::json Array(const List& items, Fn view) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& item : items) arr.push_back(view(item));
  return arr;
}

// 200 with the page's items as view shows them; when the page is full, where the next starts
// (LinkNextPage to kApiPrefix + path with the call's query). Thread-safe.
template <class PageT, class Fn>
ApiReply PagedReply(const PageT& page, Fn view, std::string_view path, const ApiCall& call) {
  ApiReply reply{200, Array(page.items, view)};
  LinkNextPage(reply, std::string(kApiPrefix) + std::string(path), call.request.query,
               page.next_cursor);
  return reply;
}

// devices, users, groups (api_routes_directory.cc).
void AddDirectoryRoutes(Router& router, const ApiDeps& deps);
// profiles, assignments, targets, report, challenges (api_routes_profiles.cc).
void AddProfileRoutes(Router& router, const ApiDeps& deps);
// certificates, requests, events, audit, tokens (api_routes_records.cc).
void AddRecordRoutes(Router& router, const ApiDeps& deps);
// GET /api/v1/openapi.json (api_openapi.cc).
void AddOpenApiRoute(Router& router);
// The OpenAPI 3 document, written by hand beside the routes; api_test checks that it lists every
// route the router knows, so the two cannot drift (api_openapi.cc).
const nlohmann::json& OpenApiDocument();

}  // namespace scepgate::http
