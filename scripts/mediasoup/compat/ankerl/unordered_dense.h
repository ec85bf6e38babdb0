// Stand-in for ankerl::unordered_dense (https://github.com/martinus/unordered_dense), which Debian 12 does not
// package. The mediasoup worker uses only unordered_dense::map, ::set and ::hash, with the standard container
// interface, so the standard library containers provide the same names. They are node-based rather than
// open-addressing (slower on lookup-heavy paths) but their iterators stay valid across inserts, which is strictly
// safer than the original.
#ifndef HARBIN_COMPAT_ANKERL_UNORDERED_DENSE_H
#define HARBIN_COMPAT_ANKERL_UNORDERED_DENSE_H

#include <functional>
#include <memory>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace ankerl::unordered_dense
{
	template<class T>
	using hash = std::hash<T>;

	template<
	  class Key,
	  class T,
	  class Hash      = hash<Key>,
	  class KeyEqual  = std::equal_to<Key>,
	  class Allocator = std::allocator<std::pair<const Key, T>>>
	using map = std::unordered_map<Key, T, Hash, KeyEqual, Allocator>;

	template<class Key, class Hash = hash<Key>, class KeyEqual = std::equal_to<Key>, class Allocator = std::allocator<Key>>
	using set = std::unordered_set<Key, Hash, KeyEqual, Allocator>;
} // namespace ankerl::unordered_dense

#endif
