// The REST API's routes by area; each adds its routes to the router. Route functions capture
// `deps` by reference: it must outlive the router (ApiHandler owns both).
#pragma once

#include "http/api_handler.h"
#include "http/api_router.h"

namespace scepgate::http {

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
