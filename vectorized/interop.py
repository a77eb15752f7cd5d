"""Graduating: a model of this project as a PyTorch module, a PyTorch module as a model, a model as ONNX.

    import vectorized as nn
    module = nn.to_torch(model)            # torch.nn.Sequential, float64, the same weights
    model2 = nn.from_torch(module)         # back again (any torch.nn.Sequential of the layers below)
    nn.save_onnx(model, "model.onnx")      # a standard ONNX file (float32) that onnxruntime runs

PyTorch (`pip install torch==2.13.0`), `onnx` and `onnxruntime` are optional: they are imported
only inside these functions, and `import vectorized` never needs them.

How the layers map (ours -> PyTorch; FORMAT.md lists every parameter's layout):

    Dense(n_in, n_out)       nn.Linear(n_in, n_out): weight = Wᵀ (PyTorch stores (out, in), we store
                             W as (n_in, n_out), y = x W + b), bias = b
    Conv2D                   nn.Conv2d: the same weight layout (out, in, kh, kw), stride, padding
    MaxPool2D, AvgPool2D     nn.MaxPool2d, nn.AvgPool2d (no padding, floor mode)
    Flatten, Dropout         nn.Flatten(), nn.Dropout(p) (their random masks differ from ours)
    Sigmoid, Tanh, ReLU, LeakyReLU(a), ELU(a), Identity, Softmax
                             nn.Sigmoid ... nn.LeakyReLU(a), nn.ELU(a), nn.Identity, nn.Softmax(dim=-1)
    Softplus                 nn.Softplus(threshold=40): exact in double precision (the default threshold
                             20 returns x itself above 20, 2e-9 off)
    ArcTan                   a small module computing torch.atan
    RNN, LSTM                nn.RNN / nn.LSTM (batch_first=True) inside a module that returns the last
                             state (or every state with return_sequences=True): weight_ih = Wxhᵀ (Wxᵀ),
                             weight_hh = Whhᵀ (Whᵀ), bias_ih = b, bias_hh = 0. PyTorch's LSTM gates
                             come in our order, i, f, g, o; our forget bias is already inside b.
    Embedding                nn.Embedding: weight = W
    TimeDistributed(layer)   a module applying the layer to (N·T, ...) rows and reshaping back

Anything else raises ValueError naming the layer; from_torch also refuses, naming the module,
whatever it would not reproduce exactly (a subclass, hooks, arguments it ignores left off their
defaults, a Softmax off the last axis: see from_torch). In float64 the PyTorch module gives the same
outputs and gradients within the numeric policy (tests/test_interop.py). Batches of sequences of
different lengths (ragged lists) are not supported on the PyTorch side: give equal-length arrays.

ONNX: save_onnx writes opset 17 with float32 weights (the ONNX norm, and what onnxruntime runs
fastest); onnxruntime's predictions match this twin's float64 predictions within float32
rounding (the main command's MLP and CNN, 10,000 test images: at most 7e-6 off on logits of up
to 19, the same predicted class for every image; policy in conformance/tolerances.py). ONNX's LSTM gate order is
i, o, f, c, so the gate blocks are reordered in the file. Dropout is written as Identity
(an ONNX file is for inference). The file is written atomically, like every file of the project.
"""
from __future__ import annotations

import operator
import os

import numpy as np

from pure.modelfile import ModelFileError, atomic_write_bytes, strerror

from .network import Sequential

SUPPORTED = ("Dense", "Conv2D", "MaxPool2D", "AvgPool2D", "Flatten", "Dropout", "Sigmoid", "Tanh", "ReLU",
             "LeakyReLU", "ELU", "Softplus", "ArcTan", "Identity", "Softmax", "RNN", "LSTM", "Embedding",
             "TimeDistributed")
SOFTPLUS_THRESHOLD = 40.0      # above it log(1 + e^x) = x exactly in double precision (e^-40 = 4e-18)
ONNX_OPSET = 17
ONNX_IR_VERSION = 8            # the IR version of opset 17: readable by every runtime that has that opset

_MODULES = None


def _layers(model):
    layers = getattr(model, "layers", None)
    if layers is None:
        raise ValueError(f"expected a Sequential model (with .layers), got {type(model).__name__}")
    return list(layers)


def _array(value) -> np.ndarray:
    return np.asarray(value, dtype=np.float64)


def _torch_modules():
    """The three small modules PyTorch lacks, made once (torch is imported here, not at import time)."""
    global _MODULES
    if _MODULES is None:
        import torch
        from torch import nn

        class ArcTan(nn.Module):
            """y = arctan(x), element-wise (twinnet's ArcTan)."""

            def forward(self, x):
                return torch.atan(x)

        class Recurrent(nn.Module):
            """nn.RNN or nn.LSTM (batch_first) returning the last state, or every state (return_sequences)."""

            def __init__(self, rnn, return_sequences: bool):
                super().__init__()
                self.rnn, self.return_sequences = rnn, bool(return_sequences)

            def forward(self, x):
                out, _ = self.rnn(x)
                return out if self.return_sequences else out[:, -1]

            def extra_repr(self):
                return f"return_sequences={self.return_sequences}"

        class TimeDistributed(nn.Module):
            """Apply a module to every step: (N, T, ...) -> (N·T, ...) -> module -> (N, T, ...)."""

            def __init__(self, inner):
                super().__init__()
                self.inner = inner

            def forward(self, x):
                n, t = x.shape[0], x.shape[1]
                y = self.inner(x.reshape((n * t,) + tuple(x.shape[2:])))
                return y.reshape((n, t) + tuple(y.shape[1:]))

        for cls in (ArcTan, Recurrent, TimeDistributed):
            cls.__qualname__ = cls.__name__
        _MODULES = {"ArcTan": ArcTan, "Recurrent": Recurrent, "TimeDistributed": TimeDistributed}
    return _MODULES


# ----------------------------------------------------------------------------- to PyTorch


def to_torch(model, dtype=None):
    """A torch.nn.Sequential computing what `model` computes, with a copy of its weights.

    dtype: torch.float64 (the default, the twins' precision) or torch.float32 (or their names,
    "float64", "float32"). Each module is left in the training or evaluation mode of its layer;
    call .eval() before predicting (as with Sequential.predict). Raises ValueError naming the
    first layer that has no PyTorch twin here.
    """
    import torch
    from torch import nn
    dtype = _torch_dtype(dtype, torch)
    modules = []
    for i, layer in enumerate(_layers(model)):
        module = _to_torch_layer(layer, f"layer {i}", nn, torch)
        module.train(bool(getattr(layer, "training", True)))
        modules.append(module)
    return nn.Sequential(*modules).to(dtype)


def _torch_dtype(dtype, torch):
    """torch.float64 for None; torch.float64 or torch.float32 as given (or named); anything else refused."""
    supported = {None: torch.float64, torch.float64: torch.float64, torch.float32: torch.float32,
                 "float64": torch.float64, "float32": torch.float32}
    try:
        return supported[dtype]
    except (KeyError, TypeError):         # TypeError: an unhashable value
        raise ValueError(f"to_torch: dtype={dtype!r} is not supported; use torch.float64 (the default, the "
                         f"twins' precision) or torch.float32, or their names 'float64', 'float32'") from None


def _set(parameter, value, torch) -> None:
    with torch.no_grad():
        parameter.copy_(torch.as_tensor(_array(value)))


def _to_torch_layer(layer, where: str, nn, torch):
    kind = type(layer).__name__
    p = layer.params
    if kind == "Dense":
        W = _array(p["W"])
        module = nn.Linear(W.shape[0], W.shape[1], bias="b" in p, dtype=torch.float64)
        _set(module.weight, W.T, torch)                     # ours (n_in, n_out), PyTorch's (out, in)
        if "b" in p:
            _set(module.bias, p["b"], torch)
        return module
    if kind == "Conv2D":
        W = _array(p["W"])
        module = nn.Conv2d(W.shape[1], W.shape[0], tuple(layer.kernel_size), stride=tuple(layer.stride),
                           padding=tuple(layer.padding), bias="b" in p, dtype=torch.float64)
        _set(module.weight, W, torch)                       # the same layout: (out, in, kh, kw)
        if "b" in p:
            _set(module.bias, p["b"], torch)
        return module
    if kind == "MaxPool2D":
        return nn.MaxPool2d(tuple(layer.size), stride=tuple(layer.stride))
    if kind == "AvgPool2D":
        return nn.AvgPool2d(tuple(layer.size), stride=tuple(layer.stride))
    if kind == "Flatten":
        return nn.Flatten()
    if kind == "Dropout":
        return nn.Dropout(layer.p)
    simple = {"Sigmoid": nn.Sigmoid, "Tanh": nn.Tanh, "ReLU": nn.ReLU, "Identity": nn.Identity}
    if kind in simple:
        return simple[kind]()
    if kind == "LeakyReLU":
        return nn.LeakyReLU(layer.alpha)
    if kind == "ELU":
        return nn.ELU(layer.alpha)
    if kind == "Softplus":
        return nn.Softplus(beta=1.0, threshold=SOFTPLUS_THRESHOLD)
    if kind == "Softmax":
        return nn.Softmax(dim=-1)
    if kind == "ArcTan":
        return _torch_modules()["ArcTan"]()
    if kind in ("RNN", "LSTM"):
        x_name, h_name = ("Wxh", "Whh") if kind == "RNN" else ("Wx", "Wh")
        Wx, Wh, b = _array(p[x_name]), _array(p[h_name]), _array(p["b"])
        cls = nn.RNN if kind == "RNN" else nn.LSTM
        extra = {"nonlinearity": "tanh"} if kind == "RNN" else {}
        rnn = cls(layer.n_in, layer.n_hidden, batch_first=True, dtype=torch.float64, **extra)
        _set(rnn.weight_ih_l0, Wx.T, torch)                 # LSTM: gate blocks i, f, g, o in both
        _set(rnn.weight_hh_l0, Wh.T, torch)
        _set(rnn.bias_ih_l0, b, torch)
        _set(rnn.bias_hh_l0, np.zeros_like(b), torch)       # PyTorch has two biases; we have one
        return _torch_modules()["Recurrent"](rnn, layer.return_sequences)
    if kind == "Embedding":
        W = _array(p["W"])
        module = nn.Embedding(W.shape[0], W.shape[1], dtype=torch.float64)
        _set(module.weight, W, torch)
        return module
    if kind == "TimeDistributed":
        return _torch_modules()["TimeDistributed"](_to_torch_layer(layer.layer, f"{where}, inner layer", nn, torch))
    raise ValueError(f"to_torch: {where}: {layer!r} has no PyTorch counterpart here; "
                     f"supported: {', '.join(SUPPORTED)}")


# ----------------------------------------------------------------------------- from PyTorch


def from_torch(module) -> Sequential:
    """A Sequential of this twin computing what a torch module computes, with a copy of its weights.

    `module`: a torch.nn.Sequential (nested ones are flattened) or a single module, made of the
    modules to_torch makes: nn.Linear, nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d, nn.Flatten,
    nn.Dropout, nn.Sigmoid, nn.Tanh, nn.ReLU, nn.LeakyReLU, nn.ELU, nn.Softplus, nn.Identity,
    nn.Softmax, nn.Embedding, and to_torch's own ArcTan, Recurrent and TimeDistributed. A bare
    nn.RNN / nn.LSTM (batch_first, one layer, one direction) becomes RNN / LSTM with
    return_sequences=True, its two biases added. Weights become float64 arrays.

    Only what this twin computes exactly is translated; anything else raises ValueError naming
    the module: a subclass (its own forward), a module with hooks (or any global module hook), a
    constructor argument left out here that is not its default (`inplace` alone is allowed: it
    changes where PyTorch writes, not the numbers), a Softmax over another axis than the last
    (dim=1 only where the input is known to be 2-D: after Linear, Flatten, a last-state RNN).
    nn.Softplus needs beta=1 and threshold >= 20: above the threshold PyTorch returns x itself,
    at most e^-20 = 2.1e-9 below log(1 + e^x) (PyTorch's default, 20; to_torch writes 40, exact).
    """
    import torch
    from torch import nn
    _refuse_global_hooks(torch)
    modules = _flat_modules(module, nn)
    layers, rank = [], None                     # rank: the number of axes of what flows in (None: unknown)
    for i, m in enumerate(modules):
        after = f" after {type(modules[i - 1]).__name__}" if i else ""
        layer, rank = _from_torch_module(m, f"module {i}", nn, torch, rank, after)
        layers.append(layer)
    if not layers:
        raise ValueError("from_torch: the module holds no layers")
    for layer, m in zip(layers, modules):
        layer.training = bool(m.training)
    return Sequential(layers)


def _refuse_global_hooks(torch):
    from torch.nn.modules import module as torch_module
    names = [name for name in ("_global_forward_hooks", "_global_forward_pre_hooks", "_global_backward_hooks",
                               "_global_backward_pre_hooks") if getattr(torch_module, name, None)]
    if names:
        raise ValueError(f"from_torch: a global module hook is registered ({', '.join(names)}): it changes what "
                         f"every module computes, which a model of this twin would not; remove it first")


def _flat_modules(module, nn) -> list:
    if type(module) is nn.Sequential:
        _check_plain(module, "the Sequential", nn)
        return [m for child in module for m in _flat_modules(child, nn)]
    return [module]


def _numpy(tensor) -> np.ndarray:
    return tensor.detach().to("cpu").double().numpy().copy()


def _refuse(where: str, module, why: str, after: str = ""):
    """The one line: 'from_torch: module 3 (Softmax(dim=1)) after Conv2d: why'."""
    text = " ".join(repr(module).split())                   # a container's repr spans lines: one line here
    text = text if len(text) <= 100 else text[:97] + "..."
    return ValueError(f"from_torch: {where} ({text}){after}: {why}")


_HOOKS = ("_forward_hooks", "_forward_pre_hooks", "_backward_hooks", "_backward_pre_hooks")


def _check_plain(m, where, nn, after="") -> None:
    """Refuse a module whose forward may not be its class's own: hooks, or a forward set on the instance."""
    hooks = [name.strip("_") for name in _HOOKS if getattr(m, name, None)]
    if hooks:
        raise _refuse(where, m, f"it has {' and '.join(hooks)}, which change what it computes; a model of this "
                                f"twin would not run them (remove them first)", after)
    if "forward" in vars(m):
        raise _refuse(where, m, "its forward was replaced on the instance; only the class's own has a twin here",
                      after)


def _defaults(m, where, after, **defaults) -> None:
    """Refuse a module whose arguments that have no twin here are not their defaults."""
    changed = [f"{name}={getattr(m, name)!r}" for name, default in defaults.items() if getattr(m, name) != default]
    if changed:
        wanted = ", ".join(f"{name}={default!r}" for name, default in defaults.items())
        raise _refuse(where, m, f"{', '.join(changed)} has no twin here (only {wanted})", after)


_SUPPORTED_TORCH = ("nn.Linear, nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d, nn.Flatten, nn.Dropout, nn.Sigmoid, nn.Tanh, "
                    "nn.ReLU, nn.LeakyReLU, nn.ELU, nn.Softplus, nn.Identity, nn.Softmax, nn.Embedding, nn.RNN, "
                    "nn.LSTM and to_torch's ArcTan, Recurrent, TimeDistributed")


def _from_torch_module(m, where: str, nn, torch, rank=None, after=""):
    """(our layer, the number of axes of its output or None) for one torch module (rank: of its input)."""
    from . import activations, conv, layers, recurrent
    own = _torch_modules()

    def refuse(why):
        return _refuse(where, m, why, after)

    kind = type(m)
    known = (nn.Linear, nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d, nn.Flatten, nn.Dropout, nn.Sigmoid, nn.Tanh,
             nn.ReLU, nn.LeakyReLU, nn.ELU, nn.Softplus, nn.Identity, nn.Softmax, nn.Embedding, nn.RNN, nn.LSTM,
             nn.Sequential, *own.values())
    if kind not in known:
        parent = next((cls for cls in known if isinstance(m, cls)), None)
        if parent is not None:
            raise refuse(f"a subclass of {parent.__name__} (its own forward or attributes may compute "
                         f"something else); only {parent.__name__} itself has a twin here")
        raise refuse(f"no twin here; supported: {_SUPPORTED_TORCH}")
    _check_plain(m, where, nn, after)
    if kind is nn.Linear:
        layer = layers.Dense(m.in_features, m.out_features, bias=m.bias is not None)
        layer.params["W"] = _numpy(m.weight).T.copy()       # PyTorch's (out, in) -> our (n_in, n_out)
        if m.bias is not None:
            layer.params["b"] = _numpy(m.bias)
        return layer, 2                                     # our Dense takes (N, n_in)
    if kind is nn.Conv2d:
        if isinstance(m.padding, str) or m.padding_mode != "zeros" or tuple(m.dilation) != (1, 1) or m.groups != 1:
            raise refuse("only zero padding given as numbers, dilation 1 and groups 1 have a twin here")
        layer = conv.Conv2D(m.in_channels, m.out_channels, tuple(m.kernel_size), stride=tuple(m.stride),
                            padding=tuple(m.padding), bias=m.bias is not None)
        layer.params["W"] = _numpy(m.weight)
        if m.bias is not None:
            layer.params["b"] = _numpy(m.bias)
        return layer, 4
    if kind in (nn.MaxPool2d, nn.AvgPool2d):
        dilation = getattr(m, "dilation", 1)
        if (_pair(m.padding) != (0, 0) or m.ceil_mode or _pair(dilation) != (1, 1)
                or getattr(m, "return_indices", False) or getattr(m, "divisor_override", None)
                or not getattr(m, "count_include_pad", True)):
            raise refuse("only pooling without padding, dilation, ceil_mode, return_indices, "
                         "divisor_override or count_include_pad=False has a twin here")
        cls = conv.MaxPool2D if kind is nn.MaxPool2d else conv.AvgPool2D
        stride = m.stride if m.stride is not None else m.kernel_size
        return cls(_pair(m.kernel_size), stride=_pair(stride)), 4
    if kind is nn.Flatten:
        if m.start_dim != 1 or m.end_dim != -1:
            raise refuse("only Flatten(start_dim=1, end_dim=-1) has a twin here")
        return layers.Flatten(), 2
    if kind is nn.Dropout:
        if not 0 <= m.p < 1:
            raise refuse("our Dropout takes p in [0, 1)")
        return layers.Dropout(m.p), rank
    simple = {nn.Sigmoid: activations.Sigmoid, nn.Tanh: activations.Tanh, nn.ReLU: activations.ReLU,
              nn.Identity: activations.Identity}
    if kind in simple:
        return simple[kind](), rank
    if kind is nn.LeakyReLU:
        return activations.LeakyReLU(m.negative_slope), rank
    if kind is nn.ELU:
        return activations.ELU(m.alpha), rank
    if kind is nn.Softplus:
        if m.beta != 1 or not m.threshold >= 20:
            raise refuse("only beta=1 and threshold >= 20 have a twin here (ours is log(1 + e^x) for "
                         "every x; PyTorch returns x itself above the threshold)")
        return activations.Softplus(), rank
    if kind is nn.Softmax:
        if m.dim is None:
            raise refuse("dim=None lets PyTorch choose the axis from the input's shape; our Softmax "
                         "acts on the last axis: use dim=-1")
        if m.dim != -1 and (rank is None or m.dim != rank - 1):
            shape = f"its input has {rank} axes" if rank else "nothing before it says how many axes its input has"
            raise refuse(f"our Softmax acts on the last axis; dim={m.dim} is not it here ({shape}): "
                         f"use dim=-1")
        return activations.Softmax(), rank
    if kind is own["ArcTan"]:
        return activations.ArcTan(), rank
    if kind is nn.Embedding:
        _defaults(m, where, after, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
                  sparse=False)
        layer = recurrent.Embedding(m.num_embeddings, m.embedding_dim)
        layer.params["W"] = _numpy(m.weight)
        return layer, 3                                     # ids (N, T) -> (N, T, dim)
    if kind is own["Recurrent"]:
        if type(m.rnn) not in (nn.RNN, nn.LSTM):
            raise refuse(f"it holds {type(m.rnn).__name__}; only nn.RNN and nn.LSTM have a twin here")
        _check_plain(m.rnn, where, nn, after)
        return _from_torch_rnn(m.rnn, m.return_sequences, where, nn, recurrent, after), 3 if m.return_sequences else 2
    if kind in (nn.RNN, nn.LSTM):
        return _from_torch_rnn(m, True, where, nn, recurrent, after), 3
    if kind is own["TimeDistributed"]:
        inner, _ = _from_torch_module(m.inner, f"{where}'s inner module", nn, torch, 2, after)
        return recurrent.TimeDistributed(inner), 3
    raise refuse("a Sequential inside another module has no twin here")


def _pair(v) -> tuple:
    return (v, v) if isinstance(v, int) else tuple(v)


def _from_torch_rnn(rnn, return_sequences, where, nn, recurrent, after=""):
    is_lstm = isinstance(rnn, nn.LSTM)
    if (not rnn.batch_first or rnn.num_layers != 1 or rnn.bidirectional or not rnn.bias or rnn.dropout
            or getattr(rnn, "proj_size", 0) or (not is_lstm and rnn.nonlinearity != "tanh")):
        raise _refuse(where, rnn, "only one layer, one direction, batch_first=True, with biases, dropout 0"
                                  f"{'' if is_lstm else ' and tanh'} has a twin here", after)
    b = _numpy(rnn.bias_ih_l0) + _numpy(rnn.bias_hh_l0)
    if is_lstm:
        layer = recurrent.LSTM(rnn.input_size, rnn.hidden_size, return_sequences=return_sequences)
        names = ("Wx", "Wh")
    else:
        layer = recurrent.RNN(rnn.input_size, rnn.hidden_size, return_sequences=return_sequences)
        names = ("Wxh", "Whh")
    layer.params[names[0]] = _numpy(rnn.weight_ih_l0).T.copy()
    layer.params[names[1]] = _numpy(rnn.weight_hh_l0).T.copy()
    layer.params["b"] = b
    return layer


# ----------------------------------------------------------------------------- ONNX


class _Graph:
    """Nodes and weights of an ONNX graph under construction, with fresh names."""

    def __init__(self, onnx):
        self.onnx, self.nodes, self.weights, self.count = onnx, [], [], 0

    def name(self, hint: str) -> str:
        self.count += 1
        return f"{hint}_{self.count}"

    def weight(self, value, hint: str, dtype=np.float32) -> str:
        name = self.name(hint)
        self.weights.append(self.onnx.numpy_helper.from_array(np.ascontiguousarray(value, dtype=dtype), name))
        return name

    def node(self, op: str, inputs, hint: str = None, outputs: int = 1, **attributes):
        names = [self.name(hint or op.lower()) for _ in range(outputs)]
        self.nodes.append(self.onnx.helper.make_node(op, list(inputs), names, **attributes))
        return names[0] if outputs == 1 else names


def _onnx_input(layers, input_shape):
    """(element type, shape) of the graph's input, from the first layer (or input_shape, one example's)."""
    first = layers[0]
    kind = type(first).__name__
    if kind == "TimeDistributed":
        inner = type(first.layer).__name__
        if input_shape is None and inner == "Dense":
            return "float", ["N", "T", first.layer.n_in]
    if input_shape is not None:
        dims = list(input_shape)
        prefix = ["N", "T"] if kind in ("TimeDistributed",) and len(dims) == 1 else ["N"]
        return ("int64" if kind == "Embedding" else "float"), prefix + dims
    if kind == "Dense":
        return "float", ["N", first.n_in]
    if kind == "Conv2D":
        return "float", ["N", first.in_channels, "H", "W"]
    if kind in ("RNN", "LSTM"):
        return "float", ["N", "T", first.n_in]
    if kind == "Embedding":
        return "int64", ["N", "T"]
    raise ValueError(f"save_onnx: cannot tell the input shape of a model starting with {first!r}; "
                     f"pass input_shape=(one example's shape), e.g. input_shape=(1, 28, 28)")


def _onnx_layer(g: _Graph, layer, x: str, where: str) -> str:
    kind = type(layer).__name__
    p = layer.params
    if kind == "Dense":
        y = g.node("MatMul", [x, g.weight(_array(p["W"]), "W")], "dense")     # W as stored: (n_in, n_out)
        return g.node("Add", [y, g.weight(_array(p["b"]), "b")], "dense") if "b" in p else y
    if kind == "Conv2D":
        inputs = [x, g.weight(_array(p["W"]), "W")] + ([g.weight(_array(p["b"]), "b")] if "b" in p else [])
        (ph, pw) = layer.padding
        return g.node("Conv", inputs, "conv", kernel_shape=list(layer.kernel_size), strides=list(layer.stride),
                      pads=[ph, pw, ph, pw])
    if kind in ("MaxPool2D", "AvgPool2D"):
        op = "MaxPool" if kind == "MaxPool2D" else "AveragePool"
        return g.node(op, [x], "pool", kernel_shape=list(layer.size), strides=list(layer.stride))
    if kind == "Flatten":
        return g.node("Flatten", [x], "flatten", axis=1)
    if kind in ("Dropout", "Identity"):
        return g.node("Identity", [x], kind.lower())
    simple = {"Sigmoid": "Sigmoid", "Tanh": "Tanh", "ReLU": "Relu", "Softplus": "Softplus", "ArcTan": "Atan"}
    if kind in simple:
        return g.node(simple[kind], [x])
    if kind == "LeakyReLU":
        return g.node("LeakyRelu", [x], alpha=float(layer.alpha))
    if kind == "ELU":
        return g.node("Elu", [x], alpha=float(layer.alpha))
    if kind == "Softmax":
        return g.node("Softmax", [x], axis=-1)
    if kind in ("RNN", "LSTM"):
        return _onnx_recurrent(g, layer, x)
    if kind == "Embedding":
        return g.node("Gather", [g.weight(_array(p["W"]), "embedding"), x], "embedding", axis=0)
    if kind == "TimeDistributed":
        inner = type(layer.layer).__name__
        if inner not in ("Dense", "Dropout", "Identity", "Softmax", "LeakyReLU", "ELU", *simple):
            raise ValueError(f"save_onnx: {where}: TimeDistributed({inner}) is not supported "
                             f"(only Dense, Dropout and the activations)")
        return _onnx_layer(g, layer.layer, x, where)     # these act on the last axis: (N, T, F) as it is
    raise ValueError(f"save_onnx: {where}: {layer!r} has no ONNX counterpart here; "
                     f"supported: {', '.join(SUPPORTED)}")


def _onnx_recurrent(g: _Graph, layer, x: str) -> str:
    """ONNX RNN/LSTM run time-major: (N, T, F) -> (T, N, F) -> the op -> last state or all states."""
    H = layer.n_hidden
    if type(layer).__name__ == "RNN":
        op, Wx, Wh, b = "RNN", _array(layer.params["Wxh"]), _array(layer.params["Whh"]), _array(layer.params["b"])
    else:
        op, Wx, Wh, b = "LSTM", _array(layer.params["Wx"]), _array(layer.params["Wh"]), _array(layer.params["b"])
        order = [0, 3, 1, 2]            # ONNX wants the gate blocks as i, o, f, c; ours are i, f, g(=c), o

        def reorder(a):
            return np.concatenate([a[..., k * H:(k + 1) * H] for k in order], axis=-1)
        Wx, Wh, b = reorder(Wx), reorder(Wh), reorder(b)
    W = g.weight(Wx.T[None], "W")                        # (1, gates·H, n_in)
    R = g.weight(Wh.T[None], "R")                        # (1, gates·H, H)
    B = g.weight(np.concatenate([b, np.zeros_like(b)])[None], "B")    # input bias, recurrent bias (0)
    time_major = g.node("Transpose", [x], "time_major", perm=[1, 0, 2])
    outputs = g.node(op, [time_major, W, R, B], op.lower(), outputs=2 if op == "RNN" else 3, hidden_size=H)
    Y, Y_h = outputs[0], outputs[1]
    if layer.return_sequences:
        steps = g.node("Squeeze", [Y, g.weight([1], "axes", np.int64)], "steps")     # (T, N, H)
        return g.node("Transpose", [steps], "batch_major", perm=[1, 0, 2])
    return g.node("Squeeze", [Y_h, g.weight([0], "axes", np.int64)], "last_state")   # (N, H)


def _check_example_shape(input_shape):
    """input_shape as a tuple of positive integers, or ValueError (before anything is written)."""
    if input_shape is None:
        return None
    try:
        if isinstance(input_shape, (str, bytes)):
            raise TypeError
        shape = tuple(operator.index(d) for d in input_shape)
        if not shape or min(shape) < 1 or any(isinstance(d, bool) for d in input_shape):
            raise ValueError
    except (TypeError, ValueError):
        raise ValueError(f"save_onnx: input_shape must be one example's shape, a tuple of positive whole numbers "
                         f"such as (1, 28, 28) (the batch axis is left out); got {input_shape!r}") from None
    return shape


def _check_fit(layers, shape) -> None:
    """Refuse an input_shape the layers cannot take, naming it and what the model expects."""
    given = shape
    if type(layers[0]).__name__ == "TimeDistributed" and len(shape) == 1:
        shape = (None,) + shape                          # one step's shape: the time axis stays free
    expected = ""
    try:
        _, dims = _onnx_input(layers, None)
        example = [str(d) for d in dims[1:]]
        expected = f" (it takes one example of shape ({', '.join(example)}{',' if len(example) == 1 else ''}))"
    except ValueError:
        pass
    for i, layer in enumerate(layers):
        try:
            shape = layer.output_shape(shape)
        except ValueError as e:
            problem = str(e) if str(e).startswith(f"layer {i}") else f"layer {i}: {e}"    # a Sequential's label
            raise ValueError(f"save_onnx: input_shape {given!r} does not fit the model{expected}: {problem}") from None


def _check_finite(layers) -> None:
    for i, layer in enumerate(layers):
        for name, value in layer.params.items():
            if not np.all(np.isfinite(_array(value))):
                raise ValueError(f"save_onnx: layer {i} ({type(layer).__name__}) parameter {name!r} holds NaN or "
                                 f"infinity; the ONNX file would compute nothing but NaN, so nothing was written")


def onnx_model(model, input_shape=None):
    """The onnx.ModelProto of a model (float32 weights, opset 17), checked by onnx.checker."""
    import onnx
    layers = _layers(model)
    input_shape = _check_example_shape(input_shape)
    _check_finite(layers)
    if input_shape is not None:
        _check_fit(layers, input_shape)
    elem, dims = _onnx_input(layers, input_shape)
    g = _Graph(onnx)
    x = "input"
    for i, layer in enumerate(layers):
        x = _onnx_layer(g, layer, x, f"layer {i}")
    g.nodes.append(onnx.helper.make_node("Identity", [x], ["output"]))
    types = {"float": onnx.TensorProto.FLOAT, "int64": onnx.TensorProto.INT64}
    graph = onnx.helper.make_graph(
        g.nodes, "twinnet", [onnx.helper.make_tensor_value_info("input", types[elem], dims)],
        [onnx.helper.make_tensor_value_info("output", onnx.TensorProto.FLOAT, None)], g.weights)
    proto = onnx.helper.make_model(graph, opset_imports=[onnx.helper.make_opsetid("", ONNX_OPSET)],
                                   producer_name="twinnet", ir_version=ONNX_IR_VERSION)
    inferred = onnx.shape_inference.infer_shapes(proto)          # the output's shape, worked out by onnx
    for info in inferred.graph.value_info:
        if info.name == x:
            proto.graph.output[0].type.CopyFrom(info.type)
    onnx.checker.check_model(proto, full_check=True)
    return proto


def save_onnx(model, path, input_shape=None) -> None:
    """Write `model` as a standard ONNX file (needs the `onnx` package), atomically.

    input_shape: one example's shape, when the first layer does not tell it (a model starting
    with an activation or a pooling layer); e.g. (1, 28, 28). The batch axis (and a sequence's
    time axis) stay free. Run it with onnxruntime:
        session = onnxruntime.InferenceSession(path); session.run(None, {"input": x.astype("float32")})
    """
    data = onnx_model(model, input_shape).SerializeToString()
    try:
        atomic_write_bytes(path, data, what="ONNX model")   # a regular file or a new name; old file kept on failure
    except OSError as e:                                   # e.g. a folder such as /proc that takes no new file
        raise ModelFileError(f"save_onnx: cannot write the ONNX model to {os.fspath(path)!r}: "
                             f"{strerror(e)} (in folder {os.path.dirname(os.path.abspath(path))!r})") from None


def run_onnx(path, x):
    """Run an ONNX file with onnxruntime on x (float32; int64 token ids for an Embedding); returns an array."""
    import onnxruntime
    session = onnxruntime.InferenceSession(os.fspath(path), providers=["CPUExecutionProvider"])
    expected = session.get_inputs()[0].type
    x = np.asarray(x, dtype=np.int64 if "int64" in expected else np.float32)
    return session.run(None, {session.get_inputs()[0].name: x})[0]
