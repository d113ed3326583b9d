#pragma once
// main() for benchmarks linked against SystemC: libsystemc needs an sc_main, so main() enters
// SystemC (without its banner) and sc_main runs the registered Google Benchmarks.
#include <benchmark/benchmark.h>
#include <systemc>

#include <cstdlib>

#define VOLTSIM_SC_BENCHMARK_MAIN()                                                                          \
    int sc_main(int argc, char* argv[])                                                                      \
    {                                                                                                        \
        benchmark::Initialize(&argc, argv);                                                                  \
        benchmark::RunSpecifiedBenchmarks();                                                                 \
        benchmark::Shutdown();                                                                               \
        return 0;                                                                                            \
    }                                                                                                        \
    int main(int argc, char* argv[])                                                                         \
    {                                                                                                        \
        setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "DISABLE", 0);                                           \
        return sc_core::sc_elab_and_sim(argc, argv);                                                         \
    }
