// C++ runtime: exceptions unwinding through several frames (DWARF CFI, personality routine,
// destructors run in order), rethrow and nested catch, std::exception_ptr across threads,
// containers and algorithms, iostream formatting, virtual dispatch, std::thread, mutex,
// std::async/future, static initialisation order, RTTI.
#include <algorithm>
#include <atomic>
#include <future>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <numeric>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <typeinfo>
#include <unordered_map>
#include <vector>

namespace {

std::vector<std::string> events;

struct Tracer {
	std::string name;
	explicit Tracer(std::string n) : name(std::move(n)) { events.push_back("ctor " + name); }
	~Tracer() { events.push_back("dtor " + name); }
};

struct MyError : std::runtime_error {
	int code;
	MyError(const std::string &what, int c) : std::runtime_error(what), code(c) {}
};

__attribute__((noinline)) int level3(int x)
{
	Tracer t("level3");
	if (x > 2)
		throw MyError("too big: " + std::to_string(x), x * 10);
	return x;
}

__attribute__((noinline)) int level2(int x)
{
	Tracer t("level2");
	std::vector<int> v(100, x);	// heap memory that must be freed while unwinding
	return level3(x) + v[50];
}

__attribute__((noinline)) int level1(int x)
{
	Tracer t("level1");
	try {
		return level2(x);
	} catch (const std::logic_error &) {
		events.push_back("wrong handler");
		return -1;
	}
}

void test_exceptions()
{
	try {
		int r = level1(1);
		std::cout << "level1(1) = " << r << "\n";
		r = level1(5);
		std::cout << "level1(5) = " << r << "\n";
	} catch (const MyError &e) {
		std::cout << "caught MyError: " << e.what() << " code " << e.code << "\n";
	}
	for (const auto &e : events)
		std::cout << "  " << e << "\n";
	events.clear();

	// Rethrow from a catch-all, caught as the base class.
	try {
		try {
			throw std::out_of_range("index 7");
		} catch (...) {
			std::cout << "catch-all, rethrowing\n";
			throw;
		}
	} catch (const std::exception &e) {
		std::cout << "outer caught " << e.what() << " (is out_of_range: "
			  << (dynamic_cast<const std::out_of_range *>(&e) != nullptr) << ")\n";
	}

	// Library-thrown exceptions.
	try {
		std::vector<int> v(3);
		(void)v.at(10);
	} catch (const std::out_of_range &) {
		std::cout << "vector::at threw out_of_range\n";
	}
	try {
		(void)std::stoi("not a number");
	} catch (const std::invalid_argument &) {
		std::cout << "stoi threw invalid_argument\n";
	}

	// An exception thrown in a thread, carried to the joining thread.
	std::exception_ptr ep;
	std::thread t([&ep] {
		try {
			level3(9);
		} catch (...) {
			ep = std::current_exception();
		}
	});
	t.join();
	try {
		if (ep)
			std::rethrow_exception(ep);
	} catch (const MyError &e) {
		std::cout << "from thread: " << e.what() << " code " << e.code << "\n";
	}
	events.clear();

	// A constructor's function-try-block sees the member's exception, after the members
	// built so far were destroyed, and rethrows it implicitly.
	struct Holder {
		std::unique_ptr<Tracer> a, b;
		Holder() try : a(new Tracer("a")), b((level3(3), new Tracer("b"))) {
		} catch (const MyError &e) {
			events.push_back(std::string("ctor failed: ") + e.what());
		}
	};
	try {
		Holder h;
	} catch (const MyError &) {
		events.push_back("rethrown from ctor");
	}
	for (const auto &e : events)
		std::cout << "  " << e << "\n";
	events.clear();
}

struct Shape {
	virtual ~Shape() = default;
	virtual double area() const = 0;
	virtual std::string name() const = 0;
};
struct Rect : Shape {
	double w, h;
	Rect(double w_, double h_) : w(w_), h(h_) {}
	double area() const override { return w * h; }
	std::string name() const override { return "rect"; }
};
struct Circle : Shape {
	double r;
	explicit Circle(double r_) : r(r_) {}
	double area() const override { return 3.14159 * r * r; }
	std::string name() const override { return "circle"; }
};

void test_containers()
{
	std::vector<int> v;
	for (int i = 0; i < 20; i++)
		v.push_back((i * 37) % 23);
	std::sort(v.begin(), v.end());
	std::cout << "sorted:";
	for (int x : v)
		std::cout << ' ' << x;
	std::cout << "\nsum " << std::accumulate(v.begin(), v.end(), 0) << ", unique "
		  << std::distance(v.begin(), std::unique(v.begin(), v.end())) << "\n";

	std::map<std::string, int> words;
	std::istringstream in("the quick brown fox jumps over the lazy dog the end");
	for (std::string w; in >> w;)
		words[w]++;
	for (const auto &kv : words)
		std::cout << kv.first << '=' << kv.second << ' ';
	std::cout << "\n";

	std::unordered_map<int, std::string> um;
	for (int i = 0; i < 1000; i++)
		um[i] = std::to_string(i * i);
	std::cout << "unordered_map size " << um.size() << ", um[999] = " << um[999] << "\n";

	std::string s = "Hello";
	s += ", world";
	s.insert(0, ">> ");
	std::reverse(s.begin() + 3, s.end());
	std::cout << s << " (" << s.size() << " chars, find 'o' at " << s.find('o') << ")\n";

	std::vector<std::unique_ptr<Shape>> shapes;
	shapes.push_back(std::make_unique<Rect>(2, 3));
	shapes.push_back(std::make_unique<Circle>(1));
	shapes.push_back(std::make_unique<Rect>(0.5, 4));
	std::sort(shapes.begin(), shapes.end(),
		  [](const auto &a, const auto &b) { return a->area() < b->area(); });
	for (const auto &sh : shapes)
		std::cout << sh->name() << " area " << std::fixed << std::setprecision(3) << sh->area()
			  << " type " << (typeid(*sh) == typeid(Rect) ? "Rect" : "Circle") << "\n";
	std::cout.unsetf(std::ios::floatfield);
	std::cout << std::setprecision(6);

	std::cout << std::hex << std::showbase << 255 << ' ' << std::oct << 8 << std::dec
		  << std::noshowbase << ' ' << std::setw(6) << std::setfill('*') << 42
		  << std::setfill(' ') << ' ' << std::scientific << 12345.678 << std::defaultfloat
		  << ' ' << 1.0 / 3 << "\n";
}

void test_threads()
{
	std::mutex m;
	long total = 0;
	std::atomic<long> atomic_total{0};
	std::vector<std::thread> pool;

	for (int t = 0; t < 4; t++)
		pool.emplace_back([&, t] {
			long local = 0;
			for (int i = t * 25000; i < (t + 1) * 25000; i++)
				local += i;
			std::lock_guard<std::mutex> g(m);
			total += local;
			atomic_total += local;
		});
	for (auto &th : pool)
		th.join();
	std::cout << "threads summed 0..99999: " << total << " / " << atomic_total.load() << "\n";

	auto fut = std::async(std::launch::async, [] {
		std::vector<int> v(1000);
		std::iota(v.begin(), v.end(), 1);
		return std::accumulate(v.begin(), v.end(), 0L);
	});
	std::cout << "async result: " << fut.get() << "\n";

	std::promise<std::string> prom;
	auto f2 = prom.get_future();
	std::thread producer([&prom] { prom.set_value("promised value"); });
	std::cout << "future got: " << f2.get() << "\n";
	producer.join();
}

struct StaticInit {
	int v;
	StaticInit() : v(1234) {}
} static_init;

} // namespace

int main()
{
	std::cout << "static object initialised before main: " << static_init.v << "\n";
	test_exceptions();
	test_containers();
	test_threads();
	std::cout << "done" << std::endl;
	return 0;
}
