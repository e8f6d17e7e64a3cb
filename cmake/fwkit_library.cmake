# libfwkit, static and shared, from one set of objects (included by the top
# CMakeLists.txt). Targets:
#   fwkit_lib     libfwkit.a: the tool, the tests and the fuzz targets link
#                 it, and may use symbols no public header names;
#   fwkit_shared  libfwkit.so (FWKIT_SHARED): exports only what a header
#                 under include/fwkit/ names (cmake/fwkit_exports.cmake).
# Installed, they are fwkit::fwkit_static and fwkit::fwkit (the shared one,
# or an alias of the static one when no shared library is built).
#
# The SONAME changes whenever the ABI may: with every major version, and
# while the major version is 0 with every minor one (libfwkit.so.0.1).
if(PROJECT_VERSION_MAJOR EQUAL 0)
  set(FWKIT_SOVERSION ${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR})
else()
  set(FWKIT_SOVERSION ${PROJECT_VERSION_MAJOR})
endif()

# libfdt under the name the installed package files give it too
# (cmake/fwkitConfig.cmake.in), so the exported targets can name it.
add_library(fwkit::fdt UNKNOWN IMPORTED)
set_target_properties(fwkit::fdt PROPERTIES IMPORTED_LOCATION ${LIBFDT_LIBRARY}
                      INTERFACE_INCLUDE_DIRECTORIES ${LIBFDT_INCLUDE_DIR})

file(GLOB_RECURSE FWKIT_LIB_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/*.c)
file(GLOB_RECURSE FWKIT_PUBLIC_HEADERS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/include/fwkit/*.h)
add_library(fwkit_objs OBJECT ${FWKIT_LIB_SOURCES} ${FWKIT_BOARDS_C}
            ${FWKIT_GEN_DIR}/scmi_modules.c)
set_target_properties(fwkit_objs PROPERTIES POSITION_INDEPENDENT_CODE ${FWKIT_SHARED})
# One set of objects, so PIC for both libraries. Without interposition (no
# program may replace a libfwkit function) gcc inlines and calls directly as
# in non-PIC code: scripts/msgcost.sh counts the same instructions per
# message as a build without the shared library (about 4% more without it).
if(FWKIT_SHARED)
  target_compile_options(fwkit_objs PRIVATE -fno-semantic-interposition)
endif()
target_include_directories(fwkit_objs PRIVATE ${CMAKE_SOURCE_DIR}/include)
target_link_libraries(fwkit_objs PRIVATE fwkit::fdt Threads::Threads)

# What a program linking either library gets: the public headers (and, in
# the build tree, libfdt's for the tests that build boards), pthreads; libfdt
# only to link (libfwkit.so carries its own NEEDED entry).
function(fwkit_library_usage tgt)
  target_include_directories(${tgt} PUBLIC $<BUILD_INTERFACE:${CMAKE_SOURCE_DIR}/include>
                             $<BUILD_INTERFACE:${LIBFDT_INCLUDE_DIR}>
                             $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  target_link_libraries(${tgt} PUBLIC Threads::Threads PRIVATE fwkit::fdt)
  set_target_properties(${tgt} PROPERTIES OUTPUT_NAME fwkit)
endfunction()

add_library(fwkit_lib STATIC $<TARGET_OBJECTS:fwkit_objs>)
fwkit_library_usage(fwkit_lib)
set_target_properties(fwkit_lib PROPERTIES EXPORT_NAME fwkit_static)
if(NOT FWKIT_SHARED)
  return()
endif()

set(FWKIT_EXPORTS_MAP ${CMAKE_BINARY_DIR}/fwkit_exports.map)
add_custom_command(OUTPUT ${FWKIT_EXPORTS_MAP}
  COMMAND ${CMAKE_COMMAND} -DNM=${CMAKE_NM} -DOUT=${FWKIT_EXPORTS_MAP}
          -DINCLUDE_DIR=${CMAKE_SOURCE_DIR}/include "-DOBJECTS=$<TARGET_OBJECTS:fwkit_objs>"
          -P ${CMAKE_SOURCE_DIR}/cmake/fwkit_exports.cmake
  DEPENDS $<TARGET_OBJECTS:fwkit_objs> ${FWKIT_PUBLIC_HEADERS}
          ${CMAKE_SOURCE_DIR}/cmake/fwkit_exports.cmake
  COMMENT "libfwkit.so: exported symbols" VERBATIM)
add_library(fwkit_shared SHARED $<TARGET_OBJECTS:fwkit_objs> ${FWKIT_EXPORTS_MAP})
fwkit_library_usage(fwkit_shared)
set_target_properties(fwkit_shared PROPERTIES VERSION ${PROJECT_VERSION}
                      SOVERSION ${FWKIT_SOVERSION} EXPORT_NAME fwkit
                      LINK_DEPENDS ${FWKIT_EXPORTS_MAP})
target_link_options(fwkit_shared PRIVATE -Wl,--version-script=${FWKIT_EXPORTS_MAP})
# Every library it needs is named, so that a plain `cc prog.c -lfwkit` links;
# sanitizer runtimes are the executable's to bring, hence not under them.
if(FWKIT_SANITIZE STREQUAL "")
  target_link_options(fwkit_shared PRIVATE -Wl,--no-undefined)
endif()
