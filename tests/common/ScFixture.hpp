#pragma once
// Fixture that gives every test a fresh SystemC simulation context, so one process can
// elaborate and simulate many times (SystemC allows only one elaboration per context).
#include <gtest/gtest.h>
#include <systemc>

#include <memory>

namespace voltsim::test {

class ScFixture : public ::testing::Test {
  protected:
    void SetUp() override
    {
        m_context = std::make_unique<sc_core::sc_simcontext>();
        sc_core::sc_curr_simcontext = m_context.get();
        sc_core::sc_default_global_context = m_context.get();
    }
    void TearDown() override
    {
        sc_core::sc_curr_simcontext = nullptr;
        sc_core::sc_default_global_context = nullptr;
        m_context.reset();
    }

  private:
    std::unique_ptr<sc_core::sc_simcontext> m_context;
};

} // namespace voltsim::test
