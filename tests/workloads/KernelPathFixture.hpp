#pragma once
// A test run once per kernel path (KernelPath.hpp): each instance selects its path for the test's
// duration and is skipped, naming the missing instructions, where the CPU lacks them.
#include "voltsim/workloads/inference/KernelPath.hpp"

#include <gtest/gtest.h>

#include <string>

namespace voltsim::test {

class KernelPathTest : public ::testing::TestWithParam<workloads::KernelPath> {
  protected:
    void SetUp() override
    {
        if (!workloads::kernelPathSupported(GetParam()))
            GTEST_SKIP() << "kernel path '" << workloads::kernelPathName(GetParam())
                         << "': this CPU lacks its instructions, so it is not tested here";
        m_previous = workloads::activeKernelPath();
        workloads::setKernelPath(GetParam());
        m_selected = true;
    }

    void TearDown() override
    {
        if (m_selected)
            workloads::setKernelPath(m_previous);
    }

  private:
    workloads::KernelPath m_previous = workloads::KernelPath::Portable;
    bool m_selected = false;
};

/// The test name suffix: the path's name.
inline std::string kernelPathTestName(const ::testing::TestParamInfo<workloads::KernelPath>& info)
{
    return workloads::kernelPathName(info.param);
}

} // namespace voltsim::test

/// Instantiates the KernelPathTest-derived `suite` once per path (unsupported ones skip).
#define VOLTSIM_FOR_EVERY_KERNEL_PATH(suite)                                                                 \
    INSTANTIATE_TEST_SUITE_P(                                                                                \
        EveryPath, suite,                                                                                    \
        ::testing::Values(voltsim::workloads::KernelPath::Portable, voltsim::workloads::KernelPath::Avx2,    \
                          voltsim::workloads::KernelPath::AvxVnni, voltsim::workloads::KernelPath::Vnni512), \
        voltsim::test::kernelPathTestName)
