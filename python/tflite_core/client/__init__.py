"""The client: ``Session`` and the compiler that turns a ``Session.run`` signature into a C++
plan. Knows only the framework."""
