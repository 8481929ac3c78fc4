# Writes OUT (a header defining BATON_GIT_COMMIT, "" outside a git checkout)
# at every build, touching it only when the commit changed, so that a new
# commit rebuilds one file. Run with cmake -DSOURCE=... -DOUT=... -P.
find_package(Git QUIET)
set(commit "")
if(GIT_FOUND AND EXISTS "${SOURCE}/.git")
  execute_process(COMMAND "${GIT_EXECUTABLE}" rev-parse --short=12 HEAD
                  WORKING_DIRECTORY "${SOURCE}" OUTPUT_VARIABLE commit
                  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  execute_process(COMMAND "${GIT_EXECUTABLE}" diff --quiet HEAD
                  WORKING_DIRECTORY "${SOURCE}" RESULT_VARIABLE dirty ERROR_QUIET)
  if(commit AND dirty EQUAL 1)
    string(APPEND commit "-dirty")
  endif()
endif()
set(text "#define BATON_GIT_COMMIT \"${commit}\"\n")
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
endif()
if(NOT old STREQUAL text)
  file(WRITE "${OUT}" "${text}")
endif()
