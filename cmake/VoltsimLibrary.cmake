# voltsim_add_library(<name> <folder>): a static library of <folder>/src/**.cpp with public
# headers in <folder>/include. A folder with no sources yet becomes an INTERFACE library so the
# tree configures while parts are being built.
function(voltsim_add_library name folder)
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${folder}/src/*.cpp)
  if(sources)
    add_library(${name} STATIC ${sources})
    target_include_directories(${name} PUBLIC ${folder}/include)
    set(${name}_SCOPE PUBLIC PARENT_SCOPE)
  else()
    add_library(${name} INTERFACE)
    target_include_directories(${name} INTERFACE ${folder}/include)
    set(${name}_SCOPE INTERFACE PARENT_SCOPE)
  endif()
endfunction()

