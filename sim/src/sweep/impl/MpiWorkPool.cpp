// The work pool of an MPI job (docs/cluster.md): compiled when CMake found MPI (VOLTSIM_MPI).
// Rank 0's MPI thread keeps kCredit units handed out to every other rank and queues their results;
// its main thread evaluates units from the same list and alone passes results on (to the sweep
// output). Every wait polls with a short sleep instead of blocking in MPI, so an idle rank leaves
// its core to the others and a signal is seen at once.
#include "voltsim/sim/sweep/IWorkPool.hpp"
#include "voltsim/sim/sweep/impl/LocalWorkPool.hpp"

#include "voltsim/common/Error.hpp"

#include <mpi.h>

#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <exception>
#include <future>
#include <mutex>
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

/// Units handed out to a worker at once: it starts the next while its result travels to rank 0
/// (which looks for messages every kPollInterval) and the reply comes back.
constexpr std::size_t kCredit = 2;
constexpr std::size_t kResultWords = 11;
/// The pause between two looks for a message while none comes. A look (MPI_Iprobe, which runs Open
/// MPI's progress engine) costs tens of microseconds of CPU: polled every 2 ms it takes a few
/// percent of a core, and a result waits at most that long (units take tens to hundreds of ms).
constexpr auto kPollInterval = std::chrono::milliseconds(2);

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

/// Runs every MPI call of the process on one thread, which also initialises and finalises MPI, so
/// it is MPI's main thread (MPI_THREAD_FUNNELED) and the process's main thread stays free to
/// evaluate units (and to run SystemC, which it owns).
class MpiThread {
  public:
    MpiThread() : m_thread([this] { loop(); })
    {
        run([this] {
            int provided = 0;
            MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
            MPI_Comm_rank(MPI_COMM_WORLD, &m_rank);
            MPI_Comm_size(MPI_COMM_WORLD, &m_size);
        });
    }
    ~MpiThread()
    {
        run([] { MPI_Finalize(); });
        {
            const std::lock_guard<std::mutex> lock(m_mutex);
            m_quit = true;
        }
        m_wake.notify_one();
        m_thread.join();
    }
    MpiThread(const MpiThread&) = delete;
    MpiThread& operator=(const MpiThread&) = delete;

    int rank() const { return m_rank; }
    int size() const { return m_size; }

    /// Starts `call` on the MPI thread; the future ends with it (and carries its exception).
    std::future<void> start(std::function<void()> call)
    {
        std::packaged_task<void()> task(std::move(call));
        std::future<void> done = task.get_future();
        {
            const std::lock_guard<std::mutex> lock(m_mutex);
            m_calls.push_back(std::move(task));
        }
        m_wake.notify_one();
        return done;
    }
    /// Runs `call` on the MPI thread and waits for it; its exception is rethrown here.
    void run(std::function<void()> call) { start(std::move(call)).get(); }

  private:
    void loop()
    {
        for (;;) {
            std::unique_lock<std::mutex> lock(m_mutex);
            m_wake.wait(lock, [this] { return m_quit || !m_calls.empty(); });
            if (m_calls.empty())
                return;
            std::packaged_task<void()> task = std::move(m_calls.front());
            m_calls.pop_front();
            lock.unlock();
            task();
        }
    }

    int m_rank = 0;
    int m_size = 1;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<std::packaged_task<void()>> m_calls;
    bool m_quit = false;
    std::thread m_thread; ///< last: starts once the members it uses exist
};

/// What rank 0's two threads share while distributing: the MPI thread hands units out and queues
/// the workers' results; the main thread evaluates units from the same list and passes every
/// result to the sink.
struct Distribution {
    explicit Distribution(const std::vector<WorkUnit>& list) : units(list) {}

    const std::vector<WorkUnit>& units;
    std::mutex mutex;
    std::condition_variable changed;                    ///< a result, a stop or a failure arrived
    std::size_t next = 0;                               ///< the next unit to hand out or evaluate
    std::size_t outstanding = 0;                        ///< units at workers whose result has not arrived
    std::deque<UnitResult> results;                     ///< from workers, not yet passed to the sink
    int stoppedSignal = 0;                              ///< a worker stopped by this signal
    std::optional<std::pair<int, std::string>> failure; ///< a worker's exit status and error
    std::atomic<bool> finish{false}; ///< set by the main thread: stop the workers with stopCode
    int stopCode = 0;
};

class MpiWorkPool final : public IWorkPool {
  public:
    MpiWorkPool() = default;
    ~MpiWorkPool() override
    {
        // rank 0 leaving by an exception before distribute() ended would leave the others waiting
        if (m_mpi.rank() == 0 && !m_workersStopped && std::uncaught_exceptions() > 0)
            m_mpi.run([this] { stopWorkers(1); });
    }
    MpiWorkPool(const MpiWorkPool&) = delete;
    MpiWorkPool& operator=(const MpiWorkPool&) = delete;

    std::size_t processes() const override { return static_cast<std::size_t>(m_mpi.size()); }
    bool coordinates() const override { return m_mpi.rank() == 0; }

    std::optional<int> agree(const std::function<void()>& step) override
    {
        std::exception_ptr failure;
        try {
            step();
        } catch (...) {
            failure = std::current_exception();
        }
        const int rank = m_mpi.rank();
        int first = failure ? rank : m_mpi.size();
        int status = failure ? exitStatus(failure) : 0;
        m_mpi.run([&] {
            MPI_Allreduce(MPI_IN_PLACE, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
            if (first != m_mpi.size())
                MPI_Bcast(&status, 1, MPI_INT, first, MPI_COMM_WORLD);
        });
        if (first == m_mpi.size())
            return std::nullopt;
        if (first == rank)
            std::rethrow_exception(failure);
        return status;
    }

    int distribute(const std::vector<WorkUnit>& units, const UnitEvaluator& evaluate, const UnitSink& sink,
                   const std::atomic<int>* stopSignal) override
    {
        if (m_mpi.size() == 1) // no one to hand units to
            return LocalWorkPool().distribute(units, evaluate, sink, stopSignal);
        Distribution shared(units);
        std::future<void> coordination = m_mpi.start([this, &shared] { coordinate(shared); });
        int stopped = 0;
        try {
            stopped = evaluateHere(shared, evaluate, sink, stopSignal);
        } catch (...) {
            endCoordination(shared, coordination, exitStatus(std::current_exception()));
            throw;
        }
        endCoordination(shared, coordination, stopped != 0 ? 128 + stopped : 0);
        return stopped;
    }

    int serve(const UnitEvaluator& evaluate, const std::atomic<int>* stopSignal) override
    {
        bool reported = false; // this rank told rank 0 it stopped or failed
        for (;;) {
            const std::optional<Message> message = receive();
            if (!message) {
                if (signalOf(stopSignal) != 0 && !reported)
                    reported = reportStopped(signalOf(stopSignal));
                std::this_thread::sleep_for(kPollInterval);
                continue;
            }
            if (message->tag == kStop)
                return message->code;
            if (reported || message->stopWaiting)
                continue; // drain the units handed out before the stop
            reported = evaluateUnit(message->unit, evaluate, stopSignal);
        }
    }

  private:
    /// A message from rank 0 to a worker.
    struct Message {
        int tag = 0;
        WorkUnit unit;            ///< kUnit
        int code = 0;             ///< kStop
        bool stopWaiting = false; ///< a kStop follows this unit
    };

    /// The next message from rank 0, if one is waiting.
    std::optional<Message> receive()
    {
        std::optional<Message> message;
        m_mpi.run([&message] {
            MPI_Status status;
            int flag = 0;
            MPI_Iprobe(0, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &status);
            if (flag == 0)
                return;
            message.emplace();
            message->tag = status.MPI_TAG;
            if (status.MPI_TAG == kStop) {
                MPI_Recv(&message->code, 1, MPI_INT, 0, kStop, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                return;
            }
            std::uint64_t words[3] = {};
            MPI_Recv(words, 3, MPI_UINT64_T, 0, kUnit, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            message->unit = {words[0], words[1], words[2]};
            MPI_Iprobe(0, kStop, MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE);
            message->stopWaiting = flag != 0;
        });
        return message;
    }

    /// Evaluates one unit on a worker and sends its result, or what stopped it. True if it
    /// reported a stop or failure (the worker then only waits for rank 0's stop).
    bool evaluateUnit(const WorkUnit& unit, const UnitEvaluator& evaluate, const std::atomic<int>* stopSignal)
    {
        std::optional<UnitResult> result;
        try {
            result = evaluate(unit);
        } catch (...) {
            const std::exception_ptr error = std::current_exception();
            const std::string text = std::to_string(exitStatus(error)) + " " + errorText(error);
            m_mpi.run([&text] {
                MPI_Send(text.data(), static_cast<int>(text.size()), MPI_CHAR, 0, kFailed, MPI_COMM_WORLD);
            });
            return true;
        }
        if (!result)
            return reportStopped(signalOf(stopSignal) != 0 ? signalOf(stopSignal) : SIGTERM);
        const std::vector<std::uint64_t> words = encodeResult(*result);
        m_mpi.run([&words] {
            MPI_Send(words.data(), static_cast<int>(words.size()), MPI_UINT64_T, 0, kResult, MPI_COMM_WORLD);
        });
        return false;
    }

    bool reportStopped(int signal)
    {
        m_mpi.run([signal] {
            int value = signal;
            MPI_Send(&value, 1, MPI_INT, 0, kStopped, MPI_COMM_WORLD);
        });
        return true;
    }

    /// Rank 0's main thread: evaluates units from the shared list and passes every result (its own
    /// and the workers') to `sink`. Returns 0 when all are done, or the signal that stopped the run.
    static int evaluateHere(Distribution& shared, const UnitEvaluator& evaluate, const UnitSink& sink,
                            const std::atomic<int>* stopSignal)
    {
        std::unique_lock<std::mutex> lock(shared.mutex);
        for (;;) {
            while (!shared.results.empty()) {
                UnitResult result = std::move(shared.results.front());
                shared.results.pop_front();
                lock.unlock();
                sink(std::move(result));
                lock.lock();
            }
            if (shared.failure)
                throwReported(shared.failure->first, shared.failure->second);
            if (shared.stoppedSignal != 0)
                return shared.stoppedSignal;
            if (const int signal = signalOf(stopSignal); signal != 0)
                return signal;
            if (shared.next < shared.units.size()) {
                const WorkUnit unit = shared.units[shared.next++];
                lock.unlock();
                std::optional<UnitResult> result = evaluate(unit);
                if (!result)
                    return signalOf(stopSignal) != 0 ? signalOf(stopSignal) : SIGTERM;
                sink(std::move(*result));
                lock.lock();
            } else if (shared.outstanding == 0) {
                return 0;
            } else {
                shared.changed.wait_for(lock, kPollInterval * 10);
            }
        }
    }

    /// Stops the MPI thread's coordination (which then tells every worker to return `code`) and
    /// waits for it.
    static void endCoordination(Distribution& shared, std::future<void>& coordination, int code)
    {
        {
            const std::lock_guard<std::mutex> lock(shared.mutex);
            shared.stopCode = code;
        }
        shared.finish = true;
        coordination.get();
    }

    /// Rank 0's MPI thread: keeps kCredit units at every worker and queues their results for the
    /// main thread, until the main thread finishes; then stops the workers.
    void coordinate(Distribution& shared)
    {
        std::vector<std::size_t> held(processes(), 0);
        for (int worker = 1; worker < m_mpi.size(); ++worker)
            handOut(shared, held, worker);
        while (!shared.finish) {
            MPI_Status status;
            int flag = 0;
            MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &status);
            if (flag == 0) {
                std::this_thread::sleep_for(kPollInterval);
                continue;
            }
            receiveAtRankZero(shared, held, status);
            shared.changed.notify_one();
        }
        int code = 0;
        {
            const std::lock_guard<std::mutex> lock(shared.mutex);
            code = shared.stopCode;
        }
        stopWorkers(code);
    }

    /// Sends `worker` units until it holds kCredit of them or none is left.
    static void handOut(Distribution& shared, std::vector<std::size_t>& held, int worker)
    {
        const std::lock_guard<std::mutex> lock(shared.mutex);
        auto& count = held[static_cast<std::size_t>(worker)];
        while (count < kCredit && shared.next < shared.units.size()) {
            const WorkUnit& unit = shared.units[shared.next++];
            const std::uint64_t words[3] = {unit.model, unit.point, unit.chip};
            MPI_Send(words, 3, MPI_UINT64_T, worker, kUnit, MPI_COMM_WORLD);
            ++count;
            ++shared.outstanding;
        }
    }

    /// Receives the message `status` announces into `shared`: a result (and hands the worker its
    /// next unit), a worker's stop or its failure.
    static void receiveAtRankZero(Distribution& shared, std::vector<std::size_t>& held,
                                  const MPI_Status& status)
    {
        const int source = status.MPI_SOURCE;
        if (status.MPI_TAG == kResult) {
            std::vector<std::uint64_t> words(kResultWords);
            MPI_Recv(words.data(), static_cast<int>(kResultWords), MPI_UINT64_T, source, kResult,
                     MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            {
                const std::lock_guard<std::mutex> lock(shared.mutex);
                shared.results.push_back(decodeResult(words));
                --shared.outstanding;
            }
            --held[static_cast<std::size_t>(source)];
            handOut(shared, held, source);
            return;
        }
        if (status.MPI_TAG == kStopped) {
            int signal = 0;
            MPI_Recv(&signal, 1, MPI_INT, source, kStopped, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            const std::lock_guard<std::mutex> lock(shared.mutex);
            shared.stoppedSignal = signal;
            return;
        }
        int count = 0;
        MPI_Get_count(&status, MPI_CHAR, &count);
        std::string text(static_cast<std::size_t>(count), '\0');
        MPI_Recv(text.data(), count, MPI_CHAR, source, kFailed, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        const std::size_t space = text.find(' ');
        const std::lock_guard<std::mutex> lock(shared.mutex);
        if (!shared.failure)
            shared.failure.emplace(std::atoi(text.substr(0, space).c_str()), text.substr(space + 1));
    }

    /// Tells every worker to return `code` (on the MPI thread).
    void stopWorkers(int code)
    {
        for (int worker = 1; worker < m_mpi.size(); ++worker)
            MPI_Send(&code, 1, MPI_INT, worker, kStop, MPI_COMM_WORLD);
        m_workersStopped = true;
    }

    MpiThread m_mpi;
    std::atomic<bool> m_workersStopped{false}; ///< rank 0 has sent every worker its stop
};

} // namespace

std::unique_ptr<IWorkPool> makeWorkPool()
{
    if (!mpiLaunch())
        return std::make_unique<LocalWorkPool>();
    return std::make_unique<MpiWorkPool>();
}

} // namespace voltsim::sim
