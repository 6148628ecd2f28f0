// ArgsAndFileLines and PrintList (commands.h): the ids or serials a bulk command acts on and
// reports.
#include <iostream>
#include <iterator>
#include <sstream>

#include "commands.h"
#include "common/files.h"
#include "common/text.h"

namespace scepgate::app {

std::vector<std::string> ArgsAndFileLines(const std::vector<std::string>& args,
                                          const std::string& file) {
  std::vector<std::string> out = args;
  if (file.empty()) return out;
  std::string text;
  if (file == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    text = OrDie(ReadFile(file));
  }
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    std::string_view v = TrimBlanks(line);
    if (!v.empty() && v.front() != '#') out.emplace_back(v);
  }
  return out;
}

void PrintList(const char* what, const std::vector<std::string>& items) {
  if (items.empty()) return;
  std::cout << what << ":";
  for (const auto& item : items) std::cout << " " << item;
  std::cout << "\n";
}

}  // namespace scepgate::app
