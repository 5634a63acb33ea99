// test_main.cc: runs every TEST_CASE linked into the executable.
#include "harness.h"

int main() { return tfl_test::run_all(); }
