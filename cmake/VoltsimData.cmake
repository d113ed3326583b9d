# The shipped data and its one layout, share/voltsim/<folder> (README.md, "Install"), in two places:
# - the build tree: build/share/voltsim/<folder> are symlinks into the sources, made at configure
#   time, so build/voltsim (and build/tests/*, build/bench/*) find their data as an installed
#   bin/voltsim does, and edits to the sources need no rebuild;
# - the install prefix: `cmake --install build --prefix P` copies them to P/share/voltsim.
# The executable looks for <its dir>/share/voltsim, then <its dir>/../share/voltsim: keep
# bin/ and share/voltsim fixed (not GNUInstallDirs) so that lookup holds.
set(VOLTSIM_DATA_INSTALL_DIR share/voltsim)
set(voltsim_data_folders
  profiles memory/profiles
  configs configs
  models workloads/models
  topologies workloads/topologies
  plots tools/plots)

file(MAKE_DIRECTORY ${CMAKE_BINARY_DIR}/${VOLTSIM_DATA_INSTALL_DIR})
while(voltsim_data_folders)
  list(POP_FRONT voltsim_data_folders folder source)
  file(CREATE_LINK ${CMAKE_SOURCE_DIR}/${source} ${CMAKE_BINARY_DIR}/${VOLTSIM_DATA_INSTALL_DIR}/${folder} SYMBOLIC)
  install(DIRECTORY ${source}/ DESTINATION ${VOLTSIM_DATA_INSTALL_DIR}/${folder}
          PATTERN __pycache__ EXCLUDE PATTERN "*.pyc" EXCLUDE)
endwhile()

# Plots run under VOLTSIM_PYTHON, else this interpreter, else python3 on PATH (sim/src/plot).
# Prefer Debian's /usr/bin/python3 when it imports matplotlib (python3-matplotlib), so a Python
# earlier on PATH without it (pyenv, a venv) is not picked; -DPython3_EXECUTABLE=... overrides.
if(NOT Python3_EXECUTABLE AND EXISTS /usr/bin/python3)
  execute_process(COMMAND /usr/bin/python3 -c "import matplotlib" RESULT_VARIABLE status OUTPUT_QUIET ERROR_QUIET)
  if(status EQUAL 0)
    set(Python3_EXECUTABLE /usr/bin/python3 CACHE FILEPATH "Python interpreter for voltsim's plots")
  endif()
endif()
find_package(Python3 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND)
  execute_process(COMMAND ${Python3_EXECUTABLE} -c "import matplotlib" RESULT_VARIABLE status OUTPUT_QUIET ERROR_QUIET)
  if(NOT status EQUAL 0)
    message(STATUS "${Python3_EXECUTABLE} cannot import matplotlib: plots need VOLTSIM_PYTHON set at run time")
  endif()
  set(VOLTSIM_PYTHON ${Python3_EXECUTABLE})
else()
  set(VOLTSIM_PYTHON "")
endif()

# The trainer's Python that voltsim runs (`voltsim import onnx`): share/voltsim/python/tools/{train,data},
# found through PYTHONPATH=<data dir>/python (sim/src/plot/PlotScript.cpp, runPythonModule).
file(MAKE_DIRECTORY ${CMAKE_BINARY_DIR}/${VOLTSIM_DATA_INSTALL_DIR}/python/tools)
foreach(package train data)
  file(CREATE_LINK ${CMAKE_SOURCE_DIR}/tools/${package}
       ${CMAKE_BINARY_DIR}/${VOLTSIM_DATA_INSTALL_DIR}/python/tools/${package} SYMBOLIC)
  install(DIRECTORY tools/${package}/ DESTINATION ${VOLTSIM_DATA_INSTALL_DIR}/python/tools/${package}
          PATTERN __pycache__ EXCLUDE PATTERN "*.pyc" EXCLUDE)
endforeach()
