# CTest `library_install`: tests/install/install_test.sh installs this build into a
# temporary prefix and builds examples/ against it the two ordinary ways
# (pkg-config, find_package). Under a sanitizer the example is compiled and
# linked with the same sanitizer, whose runtime libfwkit's objects need.
if(FWKIT_SANITIZE STREQUAL "address")
  set(FWKIT_SANITIZE_FLAGS "-fsanitize=address,undefined")
elseif(FWKIT_SANITIZE STREQUAL "thread")
  set(FWKIT_SANITIZE_FLAGS "-fsanitize=thread")
else()
  set(FWKIT_SANITIZE_FLAGS "")
endif()
add_test(NAME library_install
  COMMAND sh ${CMAKE_SOURCE_DIR}/tests/install/install_test.sh ${CMAKE_BINARY_DIR}
          ${CMAKE_SOURCE_DIR} ${CMAKE_COMMAND} ${CMAKE_GENERATOR} ${CMAKE_C_COMPILER}
          "${FWKIT_SANITIZE_FLAGS}" ${CMAKE_INSTALL_LIBDIR} ${FWKIT_SHARED})
set_tests_properties(library_install PROPERTIES TIMEOUT 120)
