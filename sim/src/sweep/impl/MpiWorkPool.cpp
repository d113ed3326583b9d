// The work pool of an MPI job (docs/cluster.md): compiled when CMake found MPI (VOLTSIM_MPI).
// Rank 0 keeps up to kCredit units handed out to every other rank, evaluates units itself between
// looking at their messages, and alone passes results on (to the sweep output). Every wait polls
// with a short sleep instead of blocking in MPI, so an idle rank leaves its core to the others and
// a signal is seen at once.
#include "voltsim/sim/sweep/IWorkPool.hpp"
#include "voltsim/sim/sweep/impl/LocalWorkPool.hpp"

#include "voltsim/common/Error.hpp"

#include <mpi.h>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace voltsim::sim {
namespace {

/// Message tags.
enum Tag : int {
    kUnit = 1,    ///< rank 0 -> worker: WorkUnit as 3 uint64
    kStop = 2,    ///< rank 0 -> worker: int, the exit status the worker returns
    kResult = 3,  ///< worker -> rank 0: kResultWords uint64
    kFailed = 4,  ///< worker -> rank 0: char[], "<status> <what()>"
    kStopped = 5, ///< worker -> rank 0: int, the signal that interrupted the worker
};

/// Units handed out to a worker at once: it starts the next while its result travels and rank 0
/// is busy with a unit of its own.
constexpr std::size_t kCredit = 2;
constexpr std::size_t kResultWords = 11;
constexpr auto kPollInterval = std::chrono::milliseconds(1);

/// The exit status of the CLI for `error` (main.cpp): 2 bad input, 3 not implemented, 1 otherwise.
int exitStatus(const std::exception_ptr& error)
{
    try {
        std::rethrow_exception(error);
    } catch (const InputError&) {
        return 2;
    } catch (const NotImplementedError&) {
        return 3;
    } catch (...) {
        return 1;
    }
}

std::string errorText(const std::exception_ptr& error)
{
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& caught) {
        return caught.what();
    } catch (...) {
        return "unknown exception";
    }
}

/// Throws the exception a worker reported, with the type its status stands for.
[[noreturn]] void throwReported(int status, const std::string& what)
{
    if (status == 2)
        throw InputError(what);
    if (status == 3)
        throw NotImplementedError(what);
    throw std::runtime_error(what);
}

std::uint64_t bitsOf(double value)
{
    std::uint64_t bits = 0;
    std::memcpy(&bits, &value, sizeof bits);
    return bits;
}

double doubleOf(std::uint64_t bits)
{
    double value = 0;
    std::memcpy(&value, &bits, sizeof value);
    return value;
}

std::vector<std::uint64_t> encodeResult(const UnitResult& result)
{
    const PointOutcome& outcome = result.outcome;
    const ChipOutcome& chip = outcome.chips.at(0);
    return {result.unit.model,   result.unit.point,  result.unit.chip,    outcome.images,
            outcome.cleanErrors, outcome.storedBits, bitsOf(outcome.ber), chip.seed,
            chip.flips,          chip.faultyCells,   chip.robustErrors};
}

UnitResult decodeResult(const std::vector<std::uint64_t>& words)
{
    UnitResult result;
    result.unit = {words[0], words[1], words[2]};
    result.outcome.images = words[3];
    result.outcome.cleanErrors = words[4];
    result.outcome.storedBits = words[5];
    result.outcome.ber = doubleOf(words[6]);
    result.outcome.chips.emplace_back(words[7], words[8], words[9], words[10]);
    return result;
}

int signalOf(const std::atomic<int>* stopSignal)
{
    return stopSignal != nullptr ? stopSignal->load() : 0;
}

class MpiWorkPool final : public IWorkPool {
  public:
    MpiWorkPool()
    {
        int provided = 0;
        MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
        int rank = 0;
        int size = 1;
        MPI_Comm_rank(MPI_COMM_WORLD, &rank);
        MPI_Comm_size(MPI_COMM_WORLD, &size);
        m_rank = rank;
        m_size = size;
    }
    ~MpiWorkPool() override
    {
        // rank 0 leaving by an exception before distribute() ended would leave the others waiting
        if (m_rank == 0 && !m_workersStopped && std::uncaught_exceptions() > 0)
            stopWorkers(1);
        MPI_Finalize();
    }
    MpiWorkPool(const MpiWorkPool&) = delete;
    MpiWorkPool& operator=(const MpiWorkPool&) = delete;

    std::size_t processes() const override { return static_cast<std::size_t>(m_size); }
    bool coordinates() const override { return m_rank == 0; }

    std::optional<int> agree(const std::function<void()>& step) override
    {
        std::exception_ptr failure;
        try {
            step();
        } catch (...) {
            failure = std::current_exception();
        }
        int first = failure ? m_rank : m_size;
        MPI_Allreduce(MPI_IN_PLACE, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
        if (first == m_size)
            return std::nullopt;
        int status = failure ? exitStatus(failure) : 0;
        MPI_Bcast(&status, 1, MPI_INT, first, MPI_COMM_WORLD);
        if (first == m_rank)
            std::rethrow_exception(failure);
        return status;
    }

    int distribute(const std::vector<WorkUnit>& units, const UnitEvaluator& evaluate, const UnitSink& sink,
                   const std::atomic<int>* stopSignal) override
    {
        int stopped = 0;
        try {
            stopped = coordinate(units, evaluate, sink, stopSignal);
        } catch (...) {
            stopWorkers(exitStatus(std::current_exception()));
            throw;
        }
        stopWorkers(stopped != 0 ? 128 + stopped : 0);
        return stopped;
    }

    int serve(const UnitEvaluator& evaluate, const std::atomic<int>* stopSignal) override
    {
        bool reported = false; // this rank told rank 0 it stopped or failed
        for (;;) {
            MPI_Status status;
            if (!poll(0, MPI_ANY_TAG, status)) {
                if (signalOf(stopSignal) != 0 && !reported)
                    reported = reportStopped(signalOf(stopSignal));
                continue;
            }
            if (status.MPI_TAG == kStop) {
                int code = 0;
                MPI_Recv(&code, 1, MPI_INT, 0, kStop, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                return code;
            }
            std::uint64_t words[3] = {};
            MPI_Recv(words, 3, MPI_UINT64_T, 0, kUnit, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            if (reported || stopPending())
                continue; // drain the units handed out before the stop
            reported = evaluateUnit({words[0], words[1], words[2]}, evaluate, stopSignal);
        }
    }

  private:
    /// True (and `status` filled) if a message from `source` with `tag` is waiting; otherwise
    /// sleeps a poll interval and returns false.
    static bool poll(int source, int tag, MPI_Status& status)
    {
        int flag = 0;
        MPI_Iprobe(source, tag, MPI_COMM_WORLD, &flag, &status);
        if (flag == 0)
            std::this_thread::sleep_for(kPollInterval);
        return flag != 0;
    }

    static bool stopPending()
    {
        int flag = 0;
        MPI_Iprobe(0, kStop, MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE);
        return flag != 0;
    }

    /// Evaluates one unit on a worker and sends its result, or what stopped it. True if it
    /// reported a stop or failure (the worker then only waits for rank 0's stop).
    static bool evaluateUnit(const WorkUnit& unit, const UnitEvaluator& evaluate,
                             const std::atomic<int>* stopSignal)
    {
        std::optional<UnitResult> result;
        try {
            result = evaluate(unit);
        } catch (...) {
            const std::exception_ptr error = std::current_exception();
            const std::string text = std::to_string(exitStatus(error)) + " " + errorText(error);
            MPI_Send(text.data(), static_cast<int>(text.size()), MPI_CHAR, 0, kFailed, MPI_COMM_WORLD);
            return true;
        }
        if (!result)
            return reportStopped(signalOf(stopSignal) != 0 ? signalOf(stopSignal) : SIGTERM);
        const std::vector<std::uint64_t> words = encodeResult(*result);
        MPI_Send(words.data(), static_cast<int>(words.size()), MPI_UINT64_T, 0, kResult, MPI_COMM_WORLD);
        return false;
    }

    static bool reportStopped(int signal)
    {
        MPI_Send(&signal, 1, MPI_INT, 0, kStopped, MPI_COMM_WORLD);
        return true;
    }

    /// Rank 0's loop: hands out units, evaluates one itself whenever nothing has arrived, passes
    /// results to `sink`. Returns 0 or the signal that stopped the run.
    int coordinate(const std::vector<WorkUnit>& units, const UnitEvaluator& evaluate, const UnitSink& sink,
                   const std::atomic<int>* stopSignal)
    {
        m_outstanding.assign(processes(), 0);
        m_next = 0;
        std::size_t inFlight = 0;
        for (int worker = 1; worker < m_size; ++worker)
            inFlight += handOut(units, worker);
        while (m_next < units.size() || inFlight > 0) {
            if (const int signal = signalOf(stopSignal); signal != 0)
                return signal;
            MPI_Status status;
            int flag = 0;
            MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &status);
            if (flag != 0) {
                if (const int signal = receive(status, sink); signal != 0)
                    return signal;
                --inFlight;
                inFlight += handOut(units, status.MPI_SOURCE);
            } else if (m_next < units.size()) {
                std::optional<UnitResult> result = evaluate(units[m_next++]);
                if (!result)
                    return signalOf(stopSignal) != 0 ? signalOf(stopSignal) : SIGTERM;
                sink(std::move(*result));
            } else {
                std::this_thread::sleep_for(kPollInterval);
            }
        }
        return 0;
    }

    /// Sends `worker` units until it holds kCredit of them or none is left; returns how many.
    std::size_t handOut(const std::vector<WorkUnit>& units, int worker)
    {
        std::size_t sent = 0;
        auto& held = m_outstanding[static_cast<std::size_t>(worker)];
        while (held < kCredit && m_next < units.size()) {
            const WorkUnit& unit = units[m_next++];
            const std::uint64_t words[3] = {unit.model, unit.point, unit.chip};
            MPI_Send(words, 3, MPI_UINT64_T, worker, kUnit, MPI_COMM_WORLD);
            ++held;
            ++sent;
        }
        return sent;
    }

    /// Receives the message `status` announces: a result goes to `sink` (returns 0); a worker that
    /// stopped returns its signal; a worker's failure is thrown here.
    int receive(const MPI_Status& status, const UnitSink& sink)
    {
        const int source = status.MPI_SOURCE;
        int count = 0;
        if (status.MPI_TAG == kResult) {
            std::vector<std::uint64_t> words(kResultWords);
            MPI_Recv(words.data(), static_cast<int>(kResultWords), MPI_UINT64_T, source, kResult,
                     MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            --m_outstanding[static_cast<std::size_t>(source)];
            sink(decodeResult(words));
            return 0;
        }
        if (status.MPI_TAG == kStopped) {
            int signal = 0;
            MPI_Recv(&signal, 1, MPI_INT, source, kStopped, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            return signal;
        }
        MPI_Get_count(&status, MPI_CHAR, &count);
        std::string text(static_cast<std::size_t>(count), '\0');
        MPI_Recv(text.data(), count, MPI_CHAR, source, kFailed, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        const std::size_t space = text.find(' ');
        throwReported(std::atoi(text.substr(0, space).c_str()), text.substr(space + 1));
    }

    /// Tells every worker to return `code`.
    void stopWorkers(int code)
    {
        for (int worker = 1; worker < m_size; ++worker)
            MPI_Send(&code, 1, MPI_INT, worker, kStop, MPI_COMM_WORLD);
        m_workersStopped = true;
    }

    int m_rank = 0;
    int m_size = 1;
    std::vector<std::size_t> m_outstanding; ///< per rank: units handed out, result not yet received
    std::size_t m_next = 0;                 ///< the next unit to hand out or evaluate
    bool m_workersStopped = false;          ///< rank 0 has sent every worker its stop
};

} // namespace

std::unique_ptr<IWorkPool> makeWorkPool()
{
    if (!mpiLaunch())
        return std::make_unique<LocalWorkPool>();
    return std::make_unique<MpiWorkPool>();
}

} // namespace voltsim::sim
