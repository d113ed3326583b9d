# Decides VOLTSIM_WITH_MPI from VOLTSIM_MPI (AUTO, ON, OFF): `mpirun -n N voltsim sweep` distributes
# a sweep over MPI ranks (docs/cluster.md). It needs an MPI implementation with its headers and
# launcher (Debian: libopenmpi-dev and openmpi-bin, installed by scripts/setup-deps.sh), found by
# CMake's FindMPI. ON without it is a configure error; a build without MPI launched as several
# ranks says so in one line.
set(VOLTSIM_WITH_MPI OFF)
# Open MPI's start-up allocations are reported by LeakSanitizer, so AUTO leaves MPI out of
# sanitizer builds.
if(VOLTSIM_SANITIZE AND VOLTSIM_MPI STREQUAL "AUTO")
  message(STATUS "voltsim MPI: off (VOLTSIM_SANITIZE)")
elseif(NOT VOLTSIM_MPI STREQUAL "OFF")
  # the C API, called from C++: without the deprecated C++ bindings library
  set(MPI_CXX_SKIP_MPICXX ON)
  find_package(MPI COMPONENTS CXX)
  if(MPI_CXX_FOUND AND MPIEXEC_EXECUTABLE)
    set(VOLTSIM_WITH_MPI ON)
    message(STATUS "voltsim MPI: on (MPI ${MPI_CXX_VERSION}, ${MPIEXEC_EXECUTABLE})")
  elseif(VOLTSIM_MPI STREQUAL "ON")
    message(FATAL_ERROR "VOLTSIM_MPI=ON needs an MPI implementation and its launcher (Debian: libopenmpi-dev "
                        "openmpi-bin). Run scripts/setup-deps.sh or configure with -DVOLTSIM_MPI=OFF")
  else()
    message(STATUS "voltsim MPI: off (needs libopenmpi-dev and openmpi-bin; scripts/setup-deps.sh)")
  endif()
else()
  message(STATUS "voltsim MPI: off (VOLTSIM_MPI=OFF)")
endif()
