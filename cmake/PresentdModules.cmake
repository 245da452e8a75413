# SPDX-License-Identifier: Apache-2.0
# presentd_module(<name> [PUBLIC <targets>...] [PRIVATE <targets>...])
#
# One static library per module (presentd_<name>, from src/<name>/**/*.cpp), linking only what
# the module uses: PUBLIC what its headers include (modules and libraries), PRIVATE what only its
# .cpp files do. A module's API, the headers other modules include, lives in
# include/presentd/<name>/ and is included as "presentd/<name>/x.hpp"; its private headers stay
# next to their .cpp and are included as "<name>/x.hpp" by the module itself (and its tests).
#
# The compiler enforces the graph. A module's include path holds views in the build tree, each
# one link: <view>/presentd/<name> -> include/presentd/<name> (PUBLIC, so modules that link it
# see it) and <private view>/<name> -> src/<name> (PRIVATE). A header is found only when it is
# this module's or the API of a module it links, so an upward include, or one into another
# module's private headers, fails to compile.
set(PRESENTD_MODULE_VIEWS ${PROJECT_BINARY_DIR}/module-views)

# A directory holding `link` -> `target` (both relative to the view); its path in PRESENTD_VIEW.
function(presentd_view view_name link target)
  set(view ${PRESENTD_MODULE_VIEWS}/${view_name})
  get_filename_component(parent ${view}/${link} DIRECTORY)
  file(MAKE_DIRECTORY ${parent})
  file(CREATE_LINK ${target} ${view}/${link} SYMBOLIC)
  set(PRESENTD_VIEW ${view} PARENT_SCOPE)
endfunction()

function(presentd_module name)
  cmake_parse_arguments(arg "" "" "PUBLIC;PRIVATE" ${ARGN})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/${name}/*.cpp)
  list(FILTER sources EXCLUDE REGEX "/src/app/(main|sanitizer_leak_check)\\.cpp$")
  add_library(presentd_${name} STATIC ${sources})
  # Views are remade at each configure: a link left from an older layout would widen them.
  file(REMOVE_RECURSE ${PRESENTD_MODULE_VIEWS}/presentd_${name} ${PRESENTD_MODULE_VIEWS}/presentd_${name}_private)
  if(EXISTS ${PROJECT_SOURCE_DIR}/include/presentd/${name})
    presentd_view(presentd_${name} presentd/${name} ${PROJECT_SOURCE_DIR}/include/presentd/${name})
    target_include_directories(presentd_${name} PUBLIC ${PRESENTD_VIEW})
  endif()
  presentd_view(presentd_${name}_private ${name} ${PROJECT_SOURCE_DIR}/src/${name})
  target_include_directories(presentd_${name} PRIVATE ${PRESENTD_VIEW})
  set_property(TARGET presentd_${name} PROPERTY PRESENTD_PRIVATE_VIEW ${PRESENTD_VIEW})
  target_compile_definitions(presentd_${name} PUBLIC BOOST_ASIO_NO_DEPRECATED)
  target_link_libraries(presentd_${name} PUBLIC presentd_flags ${arg_PUBLIC} PRIVATE ${arg_PRIVATE})
endfunction()

# presentd_module_interface(<target> <module> HEADERS <header>... DEPENDS <targets>...)
# A header-only slice of a module's API for a module that must not link the whole of it (the
# session core's port, used by the Jingle adapter in signaling).
function(presentd_module_interface target module)
  cmake_parse_arguments(arg "" "" "HEADERS;DEPENDS" ${ARGN})
  add_library(${target} INTERFACE)
  file(REMOVE_RECURSE ${PRESENTD_MODULE_VIEWS}/${target})
  foreach(header ${arg_HEADERS})
    presentd_view(${target} presentd/${module}/${header} ${PROJECT_SOURCE_DIR}/include/presentd/${module}/${header})
  endforeach()
  target_include_directories(${target} INTERFACE ${PRESENTD_VIEW})
  target_link_libraries(${target} INTERFACE ${arg_DEPENDS})
endfunction()

# Tests and fuzz targets are white-box: they also see the private headers of the modules they
# link (presentd_white_box(<target> <module targets>...)).
function(presentd_white_box target)
  foreach(module ${ARGN})
    get_property(view TARGET ${module} PROPERTY PRESENTD_PRIVATE_VIEW)
    if(view)
      target_include_directories(${target} PRIVATE ${view})
    endif()
  endforeach()
endfunction()

# The modules a set of source files includes ("presentd/<module>/…" and "<module>/…" for each
# module, and the shared test helpers "support/<module>/…" and "unit/<module>/…"), as
# presentd_<module> targets: what a test, a fuzz target or a bench links. A header next to the
# file ("name.hpp") is read too. Each file read becomes a configure dependency, so a new include
# is picked up by the next build.
function(presentd_included_modules out)
  set(found)
  set(files ${ARGN})
  while(files)
    list(POP_FRONT files file)
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${file})
    get_filename_component(dir ${file} DIRECTORY)
    file(STRINGS ${file} lines REGEX "^#include \"")
    foreach(line ${lines})
      if(line MATCHES "^#include \"(presentd/|support/|unit/)?([a-z_]+)/")
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
