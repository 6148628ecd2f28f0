// The one parser of distinguished names in their RFC 4514 (RFC 2253) string form. Pure functions;
// thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.h"

namespace scepgate {

// One attribute of a name: its type and its UTF-8 value.
using NameAttribute = std::pair<std::string, std::string>;
// RDNs in DER order (most general first, the reverse of the string), each a set of attributes.
using NameRdns = std::vector<std::vector<NameAttribute>>;

// Maps an attribute type as written ("CN", "oid.2.5.4.3") to the form the caller keeps (a dotted
// OID, say); nullopt when the type names nothing the caller knows.
using NameTypeMap = std::function<std::optional<std::string>(std::string_view type)>;

// Parses `name`: types of letters, digits, '-' and '.'; ',' or ';' between RDNs and '+' inside
// one, with optional spaces around them and around '='; values with '\' escapes of
// , + " \ < > ; = # space and \XX hex pairs (UTF-8 bytes), "quoted" values, or #hex (the DER of a
// string type). Each type goes through `map_type` when given, else is kept as written. An empty
// (or all-space) string gives no RDNs. Returns kInvalidArgument naming the problem and its 0-based
// byte position: an empty or unknown type, a missing '=', a bad escape or hex pair, a trailing '\',
// an unterminated quote, a #hex that is not a DER string, or a value that is not UTF-8.
Result<NameRdns> ParseRfc4514(std::string_view name, const NameTypeMap& map_type = nullptr);

}  // namespace scepgate
