#pragma once
// Where a chip's weight SRAM runs: a supply voltage (the profile's p(V)) or a bit error rate set
// directly (the paper's p-sweeps with the `random` model).
#include <cmath>

namespace voltsim::sim {

struct OperatingPoint {
    bool byRate = false;   ///< true: `ber` is set directly and the voltage is unknown
    double voltageMv = 0;  ///< weight-SRAM supply in mV (when !byRate)
    double ber = 0;        ///< bit error rate (when byRate)

    static OperatingPoint atVoltage(double mv) { return {false, mv, 0.0}; }
    static OperatingPoint atRate(double p) { return {true, std::nan(""), p}; }
};

} // namespace voltsim::sim
