import Hummingbird

/// The request context every route uses.
typealias APIContext = BasicRequestContext
