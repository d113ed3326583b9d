#include "voltsim/common/InputFile.hpp"

#include "voltsim/common/Error.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace voltsim {

namespace {

/// Closes a descriptor when it goes out of scope.
struct Descriptor {
    int fd;
    ~Descriptor()
    {
        if (fd >= 0)
            ::close(fd);
    }
};

[[noreturn]] void throwTooLarge(const std::string& path, const std::string& what, std::uint64_t maxBytes,
                                const std::string& size)
{
    throw InputError(path + ": " + size + " the " + std::to_string(maxBytes) + " bytes voltsim reads as " +
                     what);
}

void checkStat(const std::string& path, const std::string& what, std::uint64_t maxBytes,
               const struct stat& info)
{
    if (S_ISDIR(info.st_mode))
        throw InputError(path + ": is a directory, expected " + what);
    if (!S_ISREG(info.st_mode))
        throw InputError(path + ": is not a regular file (a FIFO, device or socket), expected " + what);
    if (static_cast<std::uint64_t>(info.st_size) > maxBytes)
        throwTooLarge(path, what, maxBytes, "is " + std::to_string(info.st_size) + " bytes, more than");
}

} // namespace

void checkInputFile(const std::string& path, const std::string& what, std::uint64_t maxBytes)
{
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) {
        if (errno == ENOENT)
            return;
        throw InputError(path + ": cannot open " + what + ": " + std::strerror(errno));
    }
    checkStat(path, what, maxBytes, info);
}

std::string readTextFile(const std::string& path, const std::string& what, std::uint64_t maxBytes)
{
    checkInputFile(path, what, maxBytes);
    // O_NONBLOCK: a FIFO swapped in after the check must not block the open
    const Descriptor file{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK)};
    if (file.fd < 0)
        throw InputError(path + ": cannot open " + what);
    struct stat info {};
    if (::fstat(file.fd, &info) != 0)
        throw InputError(path + ": cannot open " + what + ": " + std::strerror(errno));
    checkStat(path, what, maxBytes, info);
    std::string text;
    char buffer[1 << 16];
    while (true) {
        const ssize_t got = ::read(file.fd, buffer, sizeof buffer);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            throw InputError(path + ": read error: " + std::strerror(errno));
        if (got == 0)
            return text;
        if (text.size() + static_cast<std::size_t>(got) > maxBytes)
            throwTooLarge(path, what, maxBytes, "grew past");
        text.append(buffer, static_cast<std::size_t>(got));
    }
}

} // namespace voltsim
