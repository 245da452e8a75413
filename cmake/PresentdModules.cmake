# SPDX-License-Identifier: Apache-2.0
# presentd_module(<name> [PUBLIC <targets>...] [PRIVATE <targets>...])
#
# One static library per module of src/ (presentd_<name>, from src/<name>/**/*.cpp), linking
# only what the module uses: PUBLIC what its headers include (modules and libraries), PRIVATE
# what only its .cpp files do. The module graph is enforced by the compiler: each module sees
# the headers of the modules it links and no others. Its include directory is a view in the
# build tree holding one link, <view>/<name> -> src/<name>, so `#include "<module>/x.hpp"` finds
# a header only when <module> is this module or one it links (directly, or publicly through
# another). An upward include therefore fails to compile, whatever the source tree holds.
set(PRESENTD_MODULE_VIEWS ${PROJECT_BINARY_DIR}/module-views)

function(presentd_module_view target view_name)
  set(view ${PRESENTD_MODULE_VIEWS}/${target})
  file(MAKE_DIRECTORY ${view})
  foreach(item ${ARGN})
    get_filename_component(parent ${view}/${view_name}/${item} DIRECTORY)
    file(MAKE_DIRECTORY ${parent})
    file(CREATE_LINK ${PROJECT_SOURCE_DIR}/src/${view_name}/${item} ${view}/${view_name}/${item} SYMBOLIC)
  endforeach()
  if(NOT ARGN)
    file(CREATE_LINK ${PROJECT_SOURCE_DIR}/src/${view_name} ${view}/${view_name} SYMBOLIC)
  endif()
  set(PRESENTD_VIEW ${view} PARENT_SCOPE)
endfunction()

function(presentd_module name)
  cmake_parse_arguments(arg "" "" "PUBLIC;PRIVATE" ${ARGN})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/${name}/*.cpp)
  list(FILTER sources EXCLUDE REGEX "/src/app/(main|sanitizer_leak_check)\\.cpp$")
  add_library(presentd_${name} STATIC ${sources})
  presentd_module_view(presentd_${name} ${name})
  target_include_directories(presentd_${name} PUBLIC ${PRESENTD_VIEW})
  target_compile_definitions(presentd_${name} PUBLIC BOOST_ASIO_NO_DEPRECATED)
  target_link_libraries(presentd_${name} PUBLIC presentd_flags ${arg_PUBLIC} PRIVATE ${arg_PRIVATE})
endfunction()

# presentd_module_interface(<target> <module> <header>... DEPENDS <targets>...)
# A header-only slice of a module for a module that must not link the whole of it (the session
# core's port, used by the Jingle adapter in signaling).
function(presentd_module_interface target module)
  cmake_parse_arguments(arg "" "" "HEADERS;DEPENDS" ${ARGN})
  add_library(${target} INTERFACE)
  presentd_module_view(${target} ${module} ${arg_HEADERS})
  target_include_directories(${target} INTERFACE ${PRESENTD_VIEW})
  target_link_libraries(${target} INTERFACE ${arg_DEPENDS})
endfunction()

# The modules a set of source files includes ("<module>/…" for each module of src/, and the
# unit tests' shared headers "unit/<module>/…"), as presentd_<module> targets: what a test or a
# fuzz target links. A header next to the file ("name.hpp") is read too. Each file read becomes a
# configure dependency, so a new include is picked up by the next build.
function(presentd_included_modules out)
  set(found)
  set(files ${ARGN})
  while(files)
    list(POP_FRONT files file)
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${file})
    get_filename_component(dir ${file} DIRECTORY)
    file(STRINGS ${file} lines REGEX "^#include \"")
    foreach(line ${lines})
      if(line MATCHES "^#include \"(unit/)?([a-z_]+)/")
        if(TARGET presentd_${CMAKE_MATCH_2})
          list(APPEND found presentd_${CMAKE_MATCH_2})
        endif()
      elseif(line MATCHES "^#include \"([a-z_]+\\.hpp)\"" AND EXISTS ${dir}/${CMAKE_MATCH_1})
        list(APPEND files ${dir}/${CMAKE_MATCH_1})
      endif()
    endforeach()
  endwhile()
  list(REMOVE_DUPLICATES found)
  set(${out} ${found} PARENT_SCOPE)
endfunction()
