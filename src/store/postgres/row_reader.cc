#include "store/postgres/row_reader.h"

#include "store/json_lists.h"

namespace scepgate::store::pg {

std::vector<std::string> RowReader::JsonList(std::string_view what) {
  std::string text = Text();
  if (error_) return {};
  return Take(ListFromJson(text, what));
}

}  // namespace scepgate::store::pg
