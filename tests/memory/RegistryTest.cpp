// The Registry template (common/), on a toy interface: registration order, duplicates, errors.
#include "voltsim/common/Registry.hpp"
#include "voltsim/common/Error.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace {

class IShape {
  public:
    virtual ~IShape() = default;
    virtual int corners() const = 0;
};

class Polygon : public IShape {
  public:
    explicit Polygon(int corners) : m_corners(corners) {}
    int corners() const override { return m_corners; }

  private:
    int m_corners;
};

using Shapes = voltsim::Registry<IShape, int>;

Shapes shapes()
{
    Shapes registry("shape");
    registry.add("triangle", "three corners", [](int) { return std::make_unique<Polygon>(3); });
    registry.add("polygon", "N corners", [](int corners) { return std::make_unique<Polygon>(corners); });
    registry.add("square", "four corners", [](int) { return std::make_unique<Polygon>(4); });
    return registry;
}

void fillShapes(Shapes& registry)
{
    registry.add("triangle", "three corners", [](int) { return std::make_unique<Polygon>(3); });
}

TEST(Registry, BuiltInIsFilledOnceOnFirstUse)
{
    const Shapes& first = Shapes::builtIn("shape", fillShapes);
    EXPECT_EQ(&first, &Shapes::builtIn("shape", fillShapes));
    EXPECT_EQ(first.names(), std::vector<std::string>{"triangle"});
    EXPECT_EQ(first.kind(), "shape");
}

TEST(Registry, CreatesByNameWithTheFactoryArguments)
{
    const Shapes registry = shapes();
    EXPECT_EQ(registry.create("triangle", "--shape", 0)->corners(), 3);
    EXPECT_EQ(registry.create("polygon", "--shape", 7)->corners(), 7);
    EXPECT_TRUE(registry.contains("square"));
    EXPECT_FALSE(registry.contains("circle"));
    EXPECT_NO_THROW(registry.check("square", "--shape"));
}

TEST(Registry, ListsInRegistrationOrder)
{
    const Shapes registry = shapes();
    EXPECT_EQ(registry.names(), (std::vector<std::string>{"triangle", "polygon", "square"}));
    ASSERT_EQ(registry.entries().size(), 3u);
    EXPECT_EQ(registry.entries()[1].name, "polygon");
    EXPECT_EQ(registry.entries()[1].description, "N corners");
    EXPECT_EQ(registry.kind(), "shape");
}

TEST(Registry, RefusesDuplicatesAndEmptyEntries)
{
    Shapes registry = shapes();
    EXPECT_THROW(registry.add("square", "again", [](int) { return std::make_unique<Polygon>(4); }),
                 std::logic_error);
    EXPECT_THROW(registry.add("", "no name", [](int) { return std::make_unique<Polygon>(4); }),
                 std::logic_error);
    EXPECT_THROW(registry.add("hexagon", "no factory", nullptr), std::logic_error);
    EXPECT_EQ(registry.names().size(), 3u);
}

TEST(Registry, UnknownNameIsAnInputErrorListingTheValidNames)
{
    const Shapes registry = shapes();
    const std::string expected =
        "config.json: shape: unknown shape 'circle' (valid: triangle, polygon, square)";
    try {
        registry.create("circle", "config.json: shape", 0);
        FAIL();
    } catch (const voltsim::InputError& error) {
        EXPECT_EQ(error.what(), expected);
    }
    try {
        registry.check("circle", "config.json: shape");
        FAIL();
    } catch (const voltsim::InputError& error) {
        EXPECT_EQ(error.what(), expected);
    }
}

} // namespace
