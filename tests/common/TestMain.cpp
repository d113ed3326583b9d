// One main/sc_main for every GoogleTest executable, so SystemC-linked tests can elaborate.
#include <gtest/gtest.h>
#include <systemc>

#include "TestPaths.hpp"

#include <cstdlib>

std::string voltsim::test::sourceDir()
{
    return VOLTSIM_SOURCE_DIR;
}
std::string voltsim::test::voltsimBinary()
{
    return VOLTSIM_BINARY;
}

int sc_main(int argc, char* argv[])
{
    // Must happen before the first SystemC object exists, or the banner pollutes test listings.
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}

// Our own main() replaces the one in libsystemc so the copyright banner can be switched off
// before SystemC prints it (it does so before calling sc_main).
int main(int argc, char* argv[])
{
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "DISABLE", 0);
    return sc_core::sc_elab_and_sim(argc, argv);
}
