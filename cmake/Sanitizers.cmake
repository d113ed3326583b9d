# VOLTSIM_SANITIZE=ON: AddressSanitizer + UndefinedBehaviorSanitizer on every target.
# Undefined behaviour must fail a test, not print and continue: -fno-sanitize-recover=all makes
# every UBSan finding abort (ASan aborts anyway). Run the tests with the environment from
# cmake/sanitizers.env (scripts/test-sanitized.sh sets it): halt_on_error, the LSan suppressions
# for libsystemc's known exit-time leaks, and symbolized stacks.
if(VOLTSIM_SANITIZE)
  set(VOLTSIM_SANITIZER_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=all
      -fno-omit-frame-pointer)
  add_compile_options(${VOLTSIM_SANITIZER_FLAGS})
  add_link_options(-fsanitize=address,undefined -fno-sanitize-recover=all)
  # GCC's manual: "-fsanitize=address ... may cause false positives of -Wmaybe-uninitialized";
  # GCC 12 reports them inside libstdc++ (<regex>, std::function), so with -Werror the
  # sanitized build would fail on the standard library. Only this warning, only GCC, only here.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    add_compile_options(-Wno-maybe-uninitialized)
  endif()
endif()
