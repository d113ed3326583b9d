// voltsim executable entry point.
#include "voltsim/common/Error.hpp"
#include "voltsim/sim/cli/Commands.hpp"

#include <systemc>

#include <cstdlib>
#include <exception>
#include <iostream>

int sc_main(int argc, char* argv[])
{
    try {
        return voltsim::sim::dispatchCommand(argc, argv);
    } catch (const voltsim::InputError& error) {
        std::cerr << "voltsim: error: " << error.what() << "\n";
        return 2;
    } catch (const voltsim::NotImplementedError& error) {
        std::cerr << "voltsim: " << error.what() << "\n";
        return 3;
    } catch (const std::exception& error) {
        std::cerr << "voltsim: internal error: " << error.what() << "\n";
        return 1;
    }
}

// Our own main() replaces the one in libsystemc so the copyright banner can be switched off
// before SystemC prints it (it does so before calling sc_main).
int main(int argc, char* argv[])
{
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "DISABLE", 0);
    return sc_core::sc_elab_and_sim(argc, argv);
}
