# Decides VOLTSIM_WITH_PYTHON_MODULE from VOLTSIM_PYTHON_MODULE (AUTO, ON, OFF): the module needs
# Debian's pybind11-dev and the headers of the Python it is built for (python3-dev), both installed
# by scripts/setup-deps.sh. ON without them is a configure error saying what is missing.
set(VOLTSIM_WITH_PYTHON_MODULE OFF)
# A sanitized module cannot be imported by an uninstrumented python3 (the ASan runtime must load
# first), so AUTO leaves it out of sanitizer builds.
if(VOLTSIM_SANITIZE AND VOLTSIM_PYTHON_MODULE STREQUAL "AUTO")
  message(STATUS "voltsim Python module: off (VOLTSIM_SANITIZE)")
elseif(NOT VOLTSIM_PYTHON_MODULE STREQUAL "OFF")
  find_package(Python3 COMPONENTS Interpreter Development.Module)
  if(Python3_Development.Module_FOUND)
    find_package(pybind11 2.6 CONFIG QUIET)
  endif()
  if(Python3_Development.Module_FOUND AND pybind11_FOUND)
    set(VOLTSIM_WITH_PYTHON_MODULE ON)
    # The module links the static voltsim libraries into a shared object.
    set(CMAKE_POSITION_INDEPENDENT_CODE ON)
    message(STATUS "voltsim Python module: on (pybind11 ${pybind11_VERSION}, Python ${Python3_VERSION})")
  elseif(VOLTSIM_PYTHON_MODULE STREQUAL "ON")
    message(FATAL_ERROR "VOLTSIM_PYTHON_MODULE=ON needs pybind11 (Debian: pybind11-dev) and the Python 3 "
                        "headers (python3-dev); found: pybind11 ${pybind11_FOUND}, Python 3 development "
                        "${Python3_Development.Module_FOUND}. Run scripts/setup-deps.sh or configure with "
                        "-DVOLTSIM_PYTHON_MODULE=OFF")
  else()
    message(STATUS "voltsim Python module: off (needs pybind11-dev and python3-dev; scripts/setup-deps.sh)")
  endif()
endif()
