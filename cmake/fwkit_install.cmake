# What `cmake --install` puts under the prefix (GNUInstallDirs): the fwkit
# tool, libfwkit.a and libfwkit.so, the public headers (include/fwkit/**),
# a pkg-config file, CMake package files exporting fwkit::fwkit, the docs
# and the examples. Both package files locate everything relative to where
# they are installed, so `cmake --install --prefix DIR` gives a working tree
# in any DIR.
include(CMakePackageConfigHelpers)
set(FWKIT_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/fwkit)

set(FWKIT_INSTALLED_LIBS fwkit_lib)
if(FWKIT_SHARED)
  list(APPEND FWKIT_INSTALLED_LIBS fwkit_shared)
endif()
install(TARGETS ${FWKIT_INSTALLED_LIBS} EXPORT fwkitTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS fwkit RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/include/fwkit DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.h")

install(EXPORT fwkitTargets NAMESPACE fwkit:: DESTINATION ${FWKIT_CMAKE_DIR})
configure_package_config_file(${CMAKE_SOURCE_DIR}/cmake/fwkitConfig.cmake.in
  ${CMAKE_BINARY_DIR}/fwkitConfig.cmake INSTALL_DESTINATION ${FWKIT_CMAKE_DIR})
# 0.x releases change the ABI with the minor version (see the SONAME).
write_basic_package_version_file(${CMAKE_BINARY_DIR}/fwkitConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/fwkitConfig.cmake ${CMAKE_BINARY_DIR}/fwkitConfigVersion.cmake
        DESTINATION ${FWKIT_CMAKE_DIR})

# pkg-config: the prefix is found from the .pc file's own place.
file(RELATIVE_PATH FWKIT_PC_TO_PREFIX /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
string(REGEX REPLACE "/$" "" FWKIT_PC_TO_PREFIX "${FWKIT_PC_TO_PREFIX}")
configure_file(${CMAKE_SOURCE_DIR}/cmake/fwkit.pc.in ${CMAKE_BINARY_DIR}/fwkit.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/fwkit.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

install(FILES ${CMAKE_SOURCE_DIR}/README.md ${CMAKE_SOURCE_DIR}/LICENSE
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/examples DESTINATION ${CMAKE_INSTALL_DOCDIR})
